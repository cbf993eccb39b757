# Installs the build into a scratch prefix, then builds and runs C-only
# consumers: through find_package(nmf) (nmf::nmf, nmf::nmf_static and, when
# libnmf_mpi was built, nmf::nmf_mpi) and through pkg-config (nmf, nmf
# --static against libnmf.a alone, nmf_mpi).
file(REMOVE_RECURSE ${WORK_DIR})
set(prefix ${WORK_DIR}/prefix)
execute_process(COMMAND ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix}
  RESULT_VARIABLE rc OUTPUT_QUIET)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "cmake --install failed")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -S ${CONSUMER_SRC} -B ${WORK_DIR}/consumer
  -DCMAKE_PREFIX_PATH=${prefix} -DEXPECT_MPI=${EXPECT_MPI} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "configuring the C-only find_package consumer failed")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} --build ${WORK_DIR}/consumer RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "building the C-only find_package consumer failed")
endif()
file(GLOB libdirs ${prefix}/lib*)
string(REPLACE ";" ":" ldpath "${libdirs}")
set(mpi_env OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1)

# Runs COMMAND... with the prefix's libraries on the path; fails unless it
# exits 0 and prints "rel_error".
function(run_consumer what)
  execute_process(COMMAND ${CMAKE_COMMAND} -E env LD_LIBRARY_PATH=${ldpath} ${mpi_env}
    ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0 OR NOT out MATCHES "rel_error")
    message(FATAL_ERROR "${what} failed (${rc}): ${out}${err}")
  endif()
endfunction()

# Fails if the executable EXE lists libnmf.so among the libraries it needs.
function(assert_no_libnmf_so exe)
  file(GET_RUNTIME_DEPENDENCIES EXECUTABLES ${exe}
    RESOLVED_DEPENDENCIES_VAR deps UNRESOLVED_DEPENDENCIES_VAR missing
    DIRECTORIES ${libdirs})
  foreach(dep ${deps} ${missing})
    if(dep MATCHES "libnmf\\.so")
      message(FATAL_ERROR "${exe} should link libnmf.a but needs ${dep}")
    endif()
  endforeach()
endfunction()

run_consumer(consumer_shared ${WORK_DIR}/consumer/consumer_shared)
run_consumer(consumer_static ${WORK_DIR}/consumer/consumer_static)
assert_no_libnmf_so(${WORK_DIR}/consumer/consumer_static)
if(EXPECT_MPI)
  run_consumer(consumer_mpi ${MPIEXEC} -n 2 --oversubscribe ${WORK_DIR}/consumer/consumer_mpi)
endif()

# pkg-config
find_program(PKG_CONFIG pkg-config)
if(NOT PKG_CONFIG)
  message(FATAL_ERROR "pkg-config not found")
endif()
set(ENV{PKG_CONFIG_PATH} "${prefix}/lib/pkgconfig:${prefix}/lib64/pkgconfig")

# Compiles main.c (or SOURCE) with cc and the flags of `pkg-config ARGS...`
# into OUT; -lLIB may be replaced by -l:ARCHIVE.
function(pc_build out source replace_from replace_to)
  execute_process(COMMAND ${PKG_CONFIG} ${ARGN}
    OUTPUT_VARIABLE flags OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "pkg-config ${ARGN} failed")
  endif()
  if(replace_from)
    string(REPLACE "${replace_from}" "${replace_to}" flags "${flags}")
  endif()
  separate_arguments(flag_list UNIX_COMMAND "${flags}")
  execute_process(COMMAND cc -std=c99 ${source} ${flag_list} -o ${out}
    RESULT_VARIABLE rc ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "compiling ${source} with `pkg-config ${ARGN}` (${flags}) failed:\n${err}")
  endif()
endfunction()

pc_build(${WORK_DIR}/pc_consumer ${CONSUMER_SRC}/main.c "" "" --cflags --libs nmf)
run_consumer(pc_consumer ${WORK_DIR}/pc_consumer)
# --static: libnmf.a linked by the C driver, so Libs.private must name the
# C++ runtime, OpenMP, LAPACK and BLAS.
pc_build(${WORK_DIR}/pc_static ${CONSUMER_SRC}/main.c "-lnmf " "-l:libnmf.a "
         --cflags --libs --static nmf)
assert_no_libnmf_so(${WORK_DIR}/pc_static)
run_consumer(pc_static ${WORK_DIR}/pc_static)
if(EXPECT_MPI)
  pc_build(${WORK_DIR}/pc_mpi ${CONSUMER_SRC}/mpi_main.c "" "" --cflags --libs nmf_mpi)
  run_consumer(pc_mpi ${MPIEXEC} -n 2 --oversubscribe ${WORK_DIR}/pc_mpi)
endif()
# The Python package cmake --install put into the prefix: imported from
# there with no NMFKIT_LIBRARY and no LD_LIBRARY_PATH, it loads the
# prefix's libnmf through the link in the package and fits a matrix.
if(PYTHON AND PYTHON_DIR)
  execute_process(COMMAND ${CMAKE_COMMAND} -E env --unset=NMFKIT_LIBRARY
    --unset=LD_LIBRARY_PATH PYTHONPATH=${prefix}/${PYTHON_DIR}
    PYTHONDONTWRITEBYTECODE=1
    ${PYTHON} -c [=[
import os, sys, numpy as np, nmfkit
prefix = os.path.realpath(sys.argv[1])
rng = np.random.default_rng(0)
A = rng.random((30, 3)) @ rng.random((3, 20)) + 0.05 * rng.random((30, 20))
fit = nmfkit.fit(A, 3, tol=0, maxit=500)
assert os.path.realpath(nmfkit.__file__).startswith(prefix), nmfkit.__file__
assert os.path.realpath(nmfkit.library_path).startswith(prefix), nmfkit.library_path
err = np.linalg.norm(A - fit.fitted()) / np.linalg.norm(A)
assert abs(err - fit.rel_error) < 1e-9 and 0 < err < 0.1, (err, fit.rel_error)
print("python rel_error", err)
]=] ${prefix} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0 OR NOT out MATCHES "rel_error")
    message(FATAL_ERROR "the installed Python package failed (${rc}): ${out}${err}")
  endif()
endif()
