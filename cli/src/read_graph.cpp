#include "read_graph.hpp"

#include <algorithm>
#include <cmath>
#include <string_view>
#include <unordered_map>

#include "cli_error.hpp"
#include "line_reader.hpp"
#include "read_mtx.hpp"
#include "text.hpp"

namespace nmfcli {

namespace {

struct Entry {
  int64_t row, col;
  double value;
  long long line;
};

// Whitespace-separated fields of a line.
std::vector<std::string_view> words(std::string_view line) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) ++i;
    size_t j = i;
    while (j < line.size() && line[j] != ' ' && line[j] != '\t' && line[j] != '\r') ++j;
    if (j > i) out.push_back(line.substr(i, j - i));
    i = j;
  }
  return out;
}

// CSC from entries holding each stored (row, col) once (both triangles).
void build_csc(std::vector<Entry> &entries, Graph &g) {
  std::sort(entries.begin(), entries.end(), [](const Entry &a, const Entry &b) {
    return a.col != b.col ? a.col < b.col : a.row < b.row;
  });
  g.col_ptr.assign(size_t(g.n + 1), 0);
  g.row_ind.reserve(entries.size());
  g.values.reserve(entries.size());
  for (const Entry &e : entries) {
    ++g.col_ptr[size_t(e.col + 1)];
    g.row_ind.push_back(e.row);
    g.values.push_back(e.value);
  }
  for (int64_t j = 0; j < g.n; ++j) g.col_ptr[size_t(j + 1)] += g.col_ptr[size_t(j)];
}

double parse_weight(const std::string &path, long long line, std::string_view text) {
  double w = 0;
  const NumberStatus st = parse_number(text, &w);
  if (st != NumberStatus::kOk || !(w >= 0))
    throw file_error(path, line, "weight " + quoted(text) +
                                     " is not a finite non-negative number");
  return w;
}

}  // namespace

Graph read_edge_list(const std::string &path) {
  LineReader in(path);
  Graph g;
  std::unordered_map<std::string, int64_t> index;
  auto node = [&](std::string_view name, long long line) {
    const std::string reason = check_name(name);
    if (!reason.empty()) throw file_error(path, line, "node name: " + reason);
    auto it = index.find(std::string(name));
    if (it != index.end()) return it->second;
    const int64_t id = int64_t(g.names.size());
    g.names.emplace_back(name);
    index.emplace(std::string(name), id);
    return id;
  };
  // Each listed edge, keyed by (from, to): a repeat in the same direction is
  // an error, the reverse direction must carry the same weight.
  std::unordered_map<uint64_t, size_t> seen;
  std::vector<Entry> listed;
  std::string_view line;
  bool first = true;
  while (in.next(line)) {
    if (first) line = strip_bom(line);
    first = false;
    const auto f = words(line);
    if (f.empty() || f[0][0] == '#') continue;
    const long long ln = in.line_number();
    if (f.size() < 2 || f.size() > 3)
      throw file_error(path, ln, "expected 'FROM TO [WEIGHT]', found " +
                                     plural((long long)f.size(), "field", "fields"));
    const double w = f.size() == 3 ? parse_weight(path, ln, f[2]) : 1.0;
    const int64_t a = node(f[0], ln), b = node(f[1], ln);
    if (a >= (int64_t(1) << 32) || b >= (int64_t(1) << 32))
      throw file_error(path, ln, "more than 2^32 nodes");
    const uint64_t key = (uint64_t(a) << 32) | uint64_t(b);
    if (!seen.emplace(key, listed.size()).second)
      throw file_error(path, ln, "edge " + quoted(f[0]) + " - " + quoted(f[1]) +
                                     " is listed twice (first on line " +
                                     std::to_string(listed[seen[key]].line) + ")");
    listed.push_back({a, b, w, ln});
  }
  g.n = int64_t(g.names.size());
  if (g.n == 0) throw input_error(path + ": no edges");
  std::vector<Entry> entries;
  entries.reserve(listed.size() * 2);
  for (const Entry &e : listed) {
    if (e.row == e.col) {
      ++g.self_loops;
      ++g.edges;
      if (e.value != 0) entries.push_back({e.row, e.col, e.value, e.line});
      continue;
    }
    const uint64_t rev = (uint64_t(e.col) << 32) | uint64_t(e.row);
    auto it = seen.find(rev);
    if (it != seen.end()) {
      const Entry &r = listed[it->second];
      if (r.value != e.value)
        throw file_error(path, std::max(e.line, r.line),
                         "edge " + quoted(g.names[size_t(e.row)]) + " - " +
                             quoted(g.names[size_t(e.col)]) + " has weight " +
                             std::to_string(e.value) + " on line " + std::to_string(e.line) +
                             " but " + std::to_string(r.value) + " on line " +
                             std::to_string(r.line) + " in the other direction");
      if (e.line > r.line) continue;  // the pair is added once, from its first line
    }
    ++g.edges;
    if (e.value != 0) {
      entries.push_back({e.row, e.col, e.value, e.line});
      entries.push_back({e.col, e.row, e.value, e.line});
    }
  }
  build_csc(entries, g);
  return g;
}

Graph read_mtx_graph(const std::string &path) {
  LineReader in(path);
  std::string_view line;
  if (!in.next(line)) throw input_error(path + ": empty file");
  std::string banner(line);
  for (char &c : banner) c = char(std::tolower((unsigned char)c));
  const auto b = words(banner);
  if (b.size() != 5 || b[0] != "%%matrixmarket" || b[1] != "matrix" || b[2] != "coordinate")
    throw file_error(path, 1, "expected '%%MatrixMarket matrix coordinate FIELD SYMMETRY'");
  const bool pattern = b[3] == "pattern";
  if (!pattern && b[3] != "real" && b[3] != "integer")
    throw file_error(path, 1, "field " + quoted(b[3]) + " is not real, integer or pattern");
  const bool symmetric = b[4] == "symmetric";
  if (!symmetric && b[4] != "general")
    throw file_error(path, 1, "symmetry " + quoted(b[4]) + " is not symmetric or general");
  Graph g;
  long long rows = -1, cols = -1, nnz = -1;
  std::vector<Entry> entries;
  long long count = 0;
  while (in.next(line)) {
    const auto f = words(line);
    if (f.empty() || f[0][0] == '%') continue;
    const long long ln = in.line_number();
    if (rows < 0) {
      if (f.size() != 3 || !parse_int64(f[0], &rows) || !parse_int64(f[1], &cols) ||
          !parse_int64(f[2], &nnz) || rows < 1 || cols < 1 || nnz < 0)
        throw file_error(path, ln, "expected the size line 'ROWS COLS ENTRIES'");
      if (rows != cols)
        throw file_error(path, ln, "the matrix is " + std::to_string(rows) + " x " +
                                       std::to_string(cols) +
                                       ": an adjacency matrix must be square");
      g.n = rows;
      entries.reserve(size_t(symmetric ? 2 * nnz : nnz));
      continue;
    }
    long long i = 0, j = 0;
    if (f.size() != (pattern ? 2u : 3u) || !parse_int64(f[0], &i) || !parse_int64(f[1], &j))
      throw file_error(path, ln, pattern ? "expected 'ROW COL'" : "expected 'ROW COL VALUE'");
    if (i < 1 || i > rows || j < 1 || j > cols)
      throw file_error(path, ln, "entry (" + std::to_string(i) + ", " + std::to_string(j) +
                                     ") is outside the " + std::to_string(rows) + " x " +
                                     std::to_string(cols) + " matrix");
    if (symmetric && i < j)
      throw file_error(path, ln, "entry (" + std::to_string(i) + ", " + std::to_string(j) +
                                     ") is above the diagonal of a symmetric file");
    const double v = pattern ? 1.0 : parse_weight(path, ln, f[2]);
    if (++count > nnz)
      throw file_error(path, ln, "more entries than the " + std::to_string(nnz) + " declared");
    if (i == j) ++g.self_loops;
    ++g.edges;
    entries.push_back({i - 1, j - 1, v, ln});
    if (symmetric && i != j) entries.push_back({j - 1, i - 1, v, ln});
  }
  if (rows < 0) throw input_error(path + ": no size line");
  if (count != nnz)
    throw input_error(path + ": " + std::to_string(count) + " entries, " +
                      std::to_string(nnz) + " declared");
  std::sort(entries.begin(), entries.end(), [](const Entry &a, const Entry &b) {
    return a.col != b.col ? a.col < b.col : a.row < b.row;
  });
  for (size_t t = 1; t < entries.size(); ++t)
    if (entries[t].row == entries[t - 1].row && entries[t].col == entries[t - 1].col)
      throw file_error(path, std::max(entries[t].line, entries[t - 1].line),
                       "entry (" + std::to_string(entries[t].row + 1) + ", " +
                           std::to_string(entries[t].col + 1) + ") is given twice" +
                           (symmetric ? " (a symmetric file stores one triangle)" : ""));
  if (!symmetric) g.edges = int64_t(entries.size());  // stored entries
  g.names.reserve(size_t(g.n));
  for (int64_t t = 1; t <= g.n; ++t) g.names.push_back(std::to_string(t));
  build_csc(entries, g);
  return g;
}

Graph read_graph(const std::string &path) {
  if (looks_like_mtx(path)) return read_mtx_graph(path);
  return read_edge_list(path);
}

}  // namespace nmfcli
