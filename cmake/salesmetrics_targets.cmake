# Flags for the project's own targets (tests, examples, benchmarks): warnings are errors here,
# never on consumers of the INTERFACE target.
function(salesmetrics_own_target target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Werror)
  if(SALESMETRICS_SANITIZE)
    target_compile_options(${target} PRIVATE -fsanitize=address,undefined
                           -fno-sanitize-recover=all -fno-omit-frame-pointer)
    target_link_options(${target} PRIVATE -fsanitize=address,undefined)
  endif()
  target_compile_definitions(${target} PRIVATE
    SALESMETRICS_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    SALESMETRICS_SHARED_DATA_DIR="${PROJECT_SOURCE_DIR}/../shared/data")
endfunction()
