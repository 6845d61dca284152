// Must not compile: the funnel models keep one 64-bit mask of stages, so a compile-time stage
// list longer than 64 stages is rejected when it becomes a funnel stage_layout. Exactly 64 is fine.
// expect-error: the funnel models support at most 64 stages
#include <salesmetrics/funnel/stage_layout.hpp>

#include <cstddef>

#ifdef SALESMETRICS_SHOULD_FAIL_TO_BUILD
using long_list = salesmetrics::fixed_stage_list<"s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "s12", "s13", "s14", "s15", "s16", "s17", "s18", "s19", "s20", "s21", "s22", "s23", "s24", "s25", "s26", "s27", "s28", "s29", "s30", "s31", "s32", "s33", "s34", "s35", "s36", "s37", "s38", "s39", "s40", "s41", "s42", "s43", "s44", "s45", "s46", "s47", "s48", "s49", "s50", "s51", "s52", "s53", "s54", "s55", "s56", "s57", "s58", "s59", "s60", "s61", "one_too_many", "won", "lost">;  // 65 stages
#else
using long_list = salesmetrics::fixed_stage_list<"s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "s12", "s13", "s14", "s15", "s16", "s17", "s18", "s19", "s20", "s21", "s22", "s23", "s24", "s25", "s26", "s27", "s28", "s29", "s30", "s31", "s32", "s33", "s34", "s35", "s36", "s37", "s38", "s39", "s40", "s41", "s42", "s43", "s44", "s45", "s46", "s47", "s48", "s49", "s50", "s51", "s52", "s53", "s54", "s55", "s56", "s57", "s58", "s59", "s60", "s61", "won", "lost">;  // 64 stages
#endif

inline std::size_t layout_size() { return salesmetrics::funnel::stage_layout(long_list{}).size(); }
