// Reading an undirected graph for `nmf symfit`: an edge list or a symmetric
// Matrix Market file, into a symmetric CSC adjacency matrix with node names.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace nmfcli {

struct Graph {
  int64_t n = 0;
  std::vector<std::string> names;  // node names, in order of first appearance
  std::vector<int64_t> col_ptr;    // CSC of the symmetric adjacency matrix
  std::vector<int64_t> row_ind;
  std::vector<double> values;
  int64_t edges = 0;               // undirected edges, self-loops included
  int64_t self_loops = 0;
};

// Edge list: one edge per line, "FROM TO [WEIGHT]" separated by tabs or
// spaces; blank lines and lines starting with '#' are skipped; plain or
// gzip.  Names are any text without whitespace.  The weight defaults to 1
// and must be finite and >= 0 (0 adds both nodes without an edge).
// An edge may be listed once in either direction or in both with the same
// weight; a self-loop "A A w" sets A[a, a] = w.  Problems are reported as
// "FILE:LINE: reason".
Graph read_edge_list(const std::string &path);

// Matrix Market coordinate real/integer/pattern, "symmetric" (one triangle
// stored, mirrored here) or "general" (square; symmetry is then checked by
// the library).  Nodes are named 1..n.
Graph read_mtx_graph(const std::string &path);

// Either, by the file's first line.
Graph read_graph(const std::string &path);

}  // namespace nmfcli
