# Flags for the project's own targets (tests, examples, benchmarks): warnings are errors here,
# never on consumers of the INTERFACE target.
function(salesmetrics_own_target target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Werror)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    # GCC 12 reports impossible overlaps in inlined std::string concatenation at -O2/-O3
    # (GCC bug 105329, fixed in GCC 13): a false positive, so not an error here.
    target_compile_options(${target} PRIVATE -Wno-restrict)
  endif()
  if(SALESMETRICS_SANITIZE)
    target_compile_options(${target} PRIVATE -fsanitize=address,undefined
                           -fno-sanitize-recover=all -fno-omit-frame-pointer)
    target_link_options(${target} PRIVATE -fsanitize=address,undefined)
  endif()
  target_compile_definitions(${target} PRIVATE
    SALESMETRICS_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    SALESMETRICS_SHARED_DATA_DIR="${PROJECT_SOURCE_DIR}/../shared/data")
endfunction()
