# Turns gbt2260.tsv (code<TAB>name, ascending) into a C++ source defining
# govbus::rules::kRegionTable. Run with -DIN=<tsv> -DOUT=<cpp>. A malformed or
# out-of-order line fails the build with its line number.
file(STRINGS ${IN} lines ENCODING UTF-8)
set(body "")
set(previous "")
set(count 0)
set(lineno 0)
foreach(line IN LISTS lines)
  math(EXPR lineno "${lineno} + 1")
  if(line STREQUAL "" OR line MATCHES "^#")
    continue()
  endif()
  if(NOT line MATCHES "^([0-9][0-9][0-9][0-9][0-9][0-9])\t([^\t\"\\\\]+)$")
    message(FATAL_ERROR "${IN}:${lineno}: expected a 6-digit code, a tab and a name, got '${line}'")
  endif()
  set(code ${CMAKE_MATCH_1})
  set(name ${CMAKE_MATCH_2})
  if(NOT code MATCHES "00$")
    message(FATAL_ERROR "${IN}:${lineno}: ${code} is a county code; the table holds province and city codes only")
  endif()
  if(NOT previous STREQUAL "" AND NOT code STRGREATER previous)
    message(FATAL_ERROR "${IN}:${lineno}: ${code} is not after ${previous}; keep the table in ascending order")
  endif()
  set(previous ${code})
  string(APPEND body "    {\"${code}\", \"${name}\"},\n")
  math(EXPR count "${count} + 1")
endforeach()
file(WRITE ${OUT}.tmp
"// Generated from bus/rules/gbt2260.tsv by embed_region_table.cmake; do not edit.
#include \"bus/rules/region_table.hpp\"

namespace govbus::rules {

const RegionEntry kRegionTable[] = {
${body}};

const std::size_t kRegionTableSize = ${count};

}  // namespace govbus::rules
")
file(COPY_FILE ${OUT}.tmp ${OUT} ONLY_IF_DIFFERENT)
file(REMOVE ${OUT}.tmp)
