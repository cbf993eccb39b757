# Fails if the shared library LIB imports a function that prints, aborts or
# exits the process.  (std::terminate is imported by every C++ library with
# noexcept functions; the C ABI's guard keeps exceptions from reaching it.)
find_program(NM nm REQUIRED)
execute_process(COMMAND ${NM} -D --undefined-only ${LIB}
  OUTPUT_VARIABLE out RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "nm failed on ${LIB}")
endif()
set(forbidden abort exit _exit _Exit quick_exit printf fprintf vprintf vfprintf
    puts fputs putchar fputc putc fwrite perror __printf_chk __fprintf_chk
    __vfprintf_chk write writev syslog raise kill err errx warn warnx)
set(found "")
foreach(sym ${forbidden})
  if(out MATCHES "(^|\n)[ \t]*U ${sym}(@|\n)")
    list(APPEND found ${sym})
  endif()
endforeach()
# C++ streams (std::cout, std::cerr).
if(out MATCHES "_ZSt4cout|_ZSt4cerr|_ZSt4clog")
  list(APPEND found "std::cout/cerr/clog")
endif()
if(found)
  message(FATAL_ERROR "${LIB} imports ${found}: the library must not print, abort or exit")
endif()
message(STATUS "no printing, abort or exit among the imports of ${LIB}")
