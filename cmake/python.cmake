# Chooses the Python interpreter the extension is built for, before pybind11 looks for one: pybind11
# tries versioned names (python3.N) from PATH, where a version manager's shim may stand for a
# version that is not installed. Taken in order, the first that runs and has its C headers:
# PYTHON_EXECUTABLE when given, python3 on PATH, /usr/bin/python3 (Debian's, which the python3-dev
# and pybind11-dev packages serve). Sets PYTHON_EXECUTABLE in the cache and `result` to TRUE, or
# `result` to FALSE when none qualifies.
function(btpow_choose_python result)
  set(_candidates)
  if(PYTHON_EXECUTABLE)
    list(APPEND _candidates "${PYTHON_EXECUTABLE}")
  else()
    find_program(_btpow_path_python NAMES python3)
    if(_btpow_path_python)
      list(APPEND _candidates "${_btpow_path_python}")
    endif()
    list(APPEND _candidates /usr/bin/python3)
  endif()
  foreach(_python IN LISTS _candidates)
    execute_process(
      COMMAND "${_python}" -c
              "import os, sys, sysconfig; print(sys.executable); sys.exit(not os.path.isfile(os.path.join(sysconfig.get_paths()['include'], 'Python.h')))"
      RESULT_VARIABLE _status OUTPUT_VARIABLE _executable OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
    if(_status EQUAL 0)
      # The interpreter itself, not a shim that may pick another version elsewhere.
      set(PYTHON_EXECUTABLE "${_executable}" CACHE FILEPATH "The Python the extension is built for" FORCE)
      set(${result} TRUE PARENT_SCOPE)
      return()
    endif()
    message(STATUS "btpow: ${_python} has no C headers (or does not run); not building the extension for it")
  endforeach()
  set(${result} FALSE PARENT_SCOPE)
endfunction()
