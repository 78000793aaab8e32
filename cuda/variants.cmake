# The kernel variants' names, read from their one list (the rows X(rotations, rounds_loop) of
# BTPOW_CUDA_VARIANTS in cuda/variants.hpp), in its order, named as users write them (funnel,
# funnel-loop, ...). The one reader of that list outside C++: cuda/sources.cmake includes this
# file, and scripts/device-check.sh runs it as a script (cmake -P cuda/variants.cmake), which
# prints one name per line.
function(btpow_cuda_variant_names out_var)
  file(READ ${CMAKE_CURRENT_FUNCTION_LIST_DIR}/variants.hpp _header)
  string(REGEX MATCHALL "\n *X\\([a-z]+, (true|false)\\)" _rows "${_header}")
  set(_names)
  foreach(_row IN LISTS _rows)
    string(REGEX REPLACE "^\n *X\\(([a-z]+), (true|false)\\)$" "\\1;\\2" _fields "${_row}")
    list(GET _fields 0 _rotations)
    list(GET _fields 1 _rounds_loop)
    if(_rounds_loop STREQUAL "true")
      string(APPEND _rotations -loop)
    endif()
    list(APPEND _names ${_rotations})
  endforeach()
  if(NOT _names)
    message(FATAL_ERROR "cuda/variants.cmake: no variant rows found in cuda/variants.hpp")
  endif()
  set(${out_var} ${_names} PARENT_SCOPE)
endfunction()

if(CMAKE_SCRIPT_MODE_FILE AND CMAKE_SCRIPT_MODE_FILE STREQUAL CMAKE_CURRENT_LIST_FILE)
  btpow_cuda_variant_names(_btpow_names)
  foreach(_name IN LISTS _btpow_names)
    execute_process(COMMAND ${CMAKE_COMMAND} -E echo ${_name})
  endforeach()
endif()
