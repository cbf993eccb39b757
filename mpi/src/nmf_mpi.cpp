// libnmf_mpi: nmf.h's nmf_collective over MPI, and the distributed fits of
// nmf_mpi.h.  The communicator travels as its Fortran handle inside the
// collective's ctx pointer, so nothing is allocated.
#include "nmf_mpi.h"

#include <mpi.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <vector>

#include "typed_entry_points.hpp"

namespace {

MPI_Comm comm_of(void* ctx) {
  return MPI_Comm_f2c(MPI_Fint(reinterpret_cast<intptr_t>(ctx)));
}

// Sums are reduced to rank 0 in a fixed order and broadcast, so that every
// process holds bitwise the same values (an all-reduce need not guarantee
// that, and a replicated W must not drift apart between processes).
template <class T>
void sum_impl(void* ctx, T* x, int64_t len, MPI_Datatype type) {
  MPI_Comm comm = comm_of(ctx);
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  constexpr int64_t kChunk = int64_t(1) << 28;  // MPI counts are int
  std::vector<T> out;
  for (int64_t off = 0; off < len; off += kChunk) {
    const int cnt = int(len - off < kChunk ? len - off : kChunk);
    if (rank == 0) out.resize(size_t(cnt));
    MPI_Reduce(x + off, rank == 0 ? out.data() : nullptr, cnt, type, MPI_SUM, 0, comm);
    if (rank == 0) std::memcpy(x + off, out.data(), size_t(cnt) * sizeof(T));
    MPI_Bcast(x + off, cnt, type, 0, comm);
  }
}

void sum_d(void* ctx, double* x, int64_t len) { sum_impl(ctx, x, len, MPI_DOUBLE); }
void sum_f(void* ctx, float* x, int64_t len) { sum_impl(ctx, x, len, MPI_FLOAT); }

void max_d(void* ctx, double* x) {
  double in = *x;
  MPI_Allreduce(&in, x, 1, MPI_DOUBLE, MPI_MAX, comm_of(ctx));
}

// The error of the lowest-ranked failing process, named, on every process.
void agree(void* ctx, int32_t* code, char* message, int64_t capacity) {
  MPI_Comm comm = comm_of(ctx);
  int rank = 0, size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  const int mine = *code < 0 ? rank : size;
  int first = size;
  MPI_Allreduce(&mine, &first, 1, MPI_INT, MPI_MIN, comm);
  if (first == size) {
    // No error anywhere (a positive code, e.g. cancelled, is not an error).
    if (*code < 0) *code = 0;
    return;
  }
  std::vector<char> text(size_t(capacity), 0);
  if (rank == first) {
    std::snprintf(text.data(), text.size(), "process %d of %d: %s", rank, size,
                  message);
  }
  int32_t agreed = *code;
  MPI_Bcast(&agreed, 1, MPI_INT32_T, first, comm);
  MPI_Bcast(text.data(), int(capacity), MPI_CHAR, first, comm);
  *code = agreed;
  std::memcpy(message, text.data(), size_t(capacity));
  message[capacity - 1] = 0;
}

// Options with the collective set; the caller's struct is read only up to
// its struct_size (nmf_options_init fills the rest with defaults).
bool with_collective(const nmf_options* in, const nmf_collective* c,
                     nmf_options* out) {
  nmf_options_init(out, sizeof *out);
  if (in) {
    if (in->struct_size < sizeof(uint32_t)) return false;
    const size_t n = in->struct_size < sizeof *out ? in->struct_size : sizeof *out;
    std::memcpy(out, in, n);
    out->struct_size = sizeof *out;
  }
  out->collective = c;
  return true;
}

// Fills *c over the communicator: the callbacks, this process's index and
// the process count, and the column split (n_global = -1: a collective
// that spreads the runs of a multi-start).
void fill(nmf_collective* c, int64_t comm_f, int64_t n_global, int64_t col_offset) {
  std::memset(c, 0, sizeof *c);
  c->struct_size = sizeof *c;
  c->ctx = reinterpret_cast<void*>(intptr_t(comm_f));
  MPI_Comm comm = comm_of(c->ctx);
  int rank = 0, size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  c->process = rank;
  c->processes = size;
  c->n_global = n_global;
  c->col_offset = col_offset;
  c->sum_d = sum_d;
  c->sum_f = sum_f;
  c->max_d = max_d;
  c->agree = agree;
}

template <class Call>
int32_t run(int64_t comm_f, int64_t n_local, const nmf_options* opts, Call call) {
  nmf_collective c;
  int32_t rc = nmf_mpi_collective_init(&c, comm_f, n_local);
  if (rc != NMF_OK) return rc;
  nmf_options o;
  // An options struct too small to hold struct_size: let nmf.h report it.
  if (!with_collective(opts, &c, &o)) return call(opts);
  return call(&o);
}

}  // namespace

extern "C" {

int32_t nmf_mpi_collective_init(nmf_collective* c, int64_t comm_f, int64_t n_local) {
  if (!c) return NMF_ERR_NULL_POINTER;
  MPI_Comm comm = MPI_Comm_f2c(MPI_Fint(comm_f));
  long long mine = n_local, total = 0, offset = 0;
  MPI_Allreduce(&mine, &total, 1, MPI_LONG_LONG, MPI_SUM, comm);
  MPI_Exscan(&mine, &offset, 1, MPI_LONG_LONG, MPI_SUM, comm);
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  // Exscan leaves rank 0's offset undefined.  A negative block is reported
  // by the fit, agreed on every process.
  fill(c, comm_f, total, rank == 0 ? 0 : offset);
  return NMF_OK;
}

int32_t nmf_mpi_collective_runs(nmf_collective* c, int64_t comm_f) {
  if (!c) return NMF_ERR_NULL_POINTER;
  fill(c, comm_f, -1, 0);
  return NMF_OK;
}

int32_t nmf_mpi_fit(int64_t comm_f, const nmf_matrix* A, int64_t k, void* W, void* d,
                    void* H, const nmf_options* opts, nmf_result* result) {
  // A descriptor too small to hold n: let nmf_fit report it.
  const bool has_n = A && A->struct_size >= offsetof(nmf_matrix, n) + sizeof(int64_t);
  return run(comm_f, has_n ? A->n : 0, opts, [&](const nmf_options* o) {
    return nmf_fit(A, k, W, d, H, o, result);
  });
}

// The typed entry points of earlier releases (deprecated).
#define NMF_MPI_FIT_PARAMS(T) \
  int64_t k, T* W, T* d, T* H, const nmf_options* opts, nmf_result* result
NMF_CAPI_TYPED_ENTRIES(nmf_mpi_fit, nmf_mpi_fit, (int64_t comm_f,), (comm_f,),
                       (int64_t m, int64_t n_local, int64_t lda), (m, n_local, lda),
                       (int64_t m, int64_t n_local), (m, n_local), NMF_MPI_FIT_PARAMS,
                       (k, W, d, H, opts, result))
#undef NMF_MPI_FIT_PARAMS

}  // extern "C"
