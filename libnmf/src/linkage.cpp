// Average-linkage clustering and the measures built on it (see linkage.hpp).
#include "nmf/linkage.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace nmf {

namespace {

// Index of (i, j), i < j, in the packed strict upper triangle of an n x n
// matrix, row by row.
inline size_t tri(int64_t i, int64_t j, int64_t n) {
  return size_t(i * n - i * (i + 1) / 2 + (j - i - 1));
}

}  // namespace

Dendrogram average_linkage(const double* d, int64_t n) {
  Dendrogram t;
  t.n = n;
  t.cophenetic.assign(size_t(n * n), 0.0);
  if (n < 1) return t;
  t.merge.reserve(size_t(2 * (n - 1)));
  t.height.reserve(size_t(n - 1));

  // Working dissimilarities between the clusters, packed; cluster "slot" i
  // always holds the cluster whose least member is i.
  std::vector<double> dist(static_cast<size_t>(n * (n - 1) / 2));
  for (int64_t j = 1; j < n; ++j)
    for (int64_t i = 0; i < j; ++i) dist[tri(i, j, n)] = d[i + j * n];
  // Dissimilarities within eps of each other count as tied (so that a tie
  // in exact arithmetic is not decided by the rounding of the updates).
  double dmax = 0;
  for (double v : dist) dmax = std::max(dmax, std::fabs(v));
  const double eps = 1e-12 * dmax;
  std::vector<char> active(static_cast<size_t>(n), 1);
  std::vector<int64_t> size(static_cast<size_t>(n), 1), id(static_cast<size_t>(n));
  std::vector<std::vector<int64_t>> members(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    id[size_t(i)] = -(i + 1);
    members[size_t(i)].push_back(i);
  }
  // nn[i]: the active slot j > i nearest to i (smallest j among ties), -1 if
  // none; nnd[i] its dissimilarity.
  std::vector<int64_t> nn(static_cast<size_t>(n), -1);
  std::vector<double> nnd(static_cast<size_t>(n), std::numeric_limits<double>::infinity());
  auto find_nn = [&](int64_t i) {
    nn[size_t(i)] = -1;
    nnd[size_t(i)] = std::numeric_limits<double>::infinity();
    for (int64_t j = i + 1; j < n; ++j) {
      if (!active[size_t(j)]) continue;
      const double v = dist[tri(i, j, n)];
      if (nn[size_t(i)] < 0 || v < nnd[size_t(i)] - eps) {
        nn[size_t(i)] = j;
        nnd[size_t(i)] = v;
      }
    }
  };
  for (int64_t i = 0; i < n; ++i) find_nn(i);

  for (int64_t step = 0; step + 1 < n; ++step) {
    // The closest pair (i, j): smallest dissimilarity, then smallest i (and
    // nn[i] is already the smallest j).
    int64_t i = -1;
    for (int64_t r = 0; r < n; ++r)
      if (active[size_t(r)] && nn[size_t(r)] >= 0 &&
          (i < 0 || nnd[size_t(r)] < nnd[size_t(i)] - eps))
        i = r;
    const int64_t j = nn[size_t(i)];
    const double h = nnd[size_t(i)];

    // Record the step in hclust's form.
    int64_t a = id[size_t(i)], b = id[size_t(j)];
    if (!(a < 0 && b < 0 ? a > b : (a < 0) != (b < 0) ? a < 0 : a < b))
      std::swap(a, b);  // -1 before -2, objects before clusters, older first
    t.merge.push_back(a);
    t.merge.push_back(b);
    t.height.push_back(h);
    for (int64_t p : members[size_t(i)])
      for (int64_t q : members[size_t(j)]) {
        t.cophenetic[size_t(p + q * n)] = h;
        t.cophenetic[size_t(q + p * n)] = h;
      }

    // Join j into i (Lance-Williams update for average linkage).
    const double ni = double(size[size_t(i)]), nj = double(size[size_t(j)]);
    for (int64_t r = 0; r < n; ++r) {
      if (!active[size_t(r)] || r == i || r == j) continue;
      const double dir = dist[r < i ? tri(r, i, n) : tri(i, r, n)];
      const double djr = dist[r < j ? tri(r, j, n) : tri(j, r, n)];
      dist[r < i ? tri(r, i, n) : tri(i, r, n)] = (ni * dir + nj * djr) / (ni + nj);
    }
    active[size_t(j)] = 0;
    size[size_t(i)] += size[size_t(j)];
    members[size_t(i)].insert(members[size_t(i)].end(),
                              members[size_t(j)].begin(),
                              members[size_t(j)].end());
    members[size_t(j)].clear();
    members[size_t(j)].shrink_to_fit();
    id[size_t(i)] = step + 1;

    // Nearest neighbours that may have changed.
    for (int64_t r = 0; r < n; ++r) {
      if (!active[size_t(r)]) continue;
      if (r == i || nn[size_t(r)] == i || nn[size_t(r)] == j) {
        find_nn(r);
      } else if (r < i) {
        const double v = dist[tri(r, i, n)];
        if (v < nnd[size_t(r)] - eps ||
            (v <= nnd[size_t(r)] + eps && i < nn[size_t(r)])) {
          nn[size_t(r)] = i;
          nnd[size_t(r)] = v;
        }
      }
    }
  }

  // Leaf order: each step's first member left of its second.
  t.order.reserve(size_t(n));
  if (n == 1) {
    t.order.push_back(0);
    return t;
  }
  std::vector<int64_t> stack{int64_t(n - 1)};  // 1-based step ids / -objects
  while (!stack.empty()) {
    const int64_t v = stack.back();
    stack.pop_back();
    if (v < 0) {
      t.order.push_back(-v - 1);
    } else {
      stack.push_back(t.merge[size_t(2 * (v - 1) + 1)]);
      stack.push_back(t.merge[size_t(2 * (v - 1))]);
    }
  }
  return t;
}

double cophenetic_correlation(const double* d, const Dendrogram& tree) {
  const int64_t n = tree.n;
  double sx = 0, sy = 0;
  int64_t cnt = 0;
  for (int64_t j = 1; j < n; ++j)
    for (int64_t i = 0; i < j; ++i) {
      sx += d[i + j * n];
      sy += tree.cophenetic[size_t(i + j * n)];
      ++cnt;
    }
  if (cnt < 2) return std::numeric_limits<double>::quiet_NaN();
  const double mx = sx / double(cnt), my = sy / double(cnt);
  double sxx = 0, syy = 0, sxy = 0;
  for (int64_t j = 1; j < n; ++j)
    for (int64_t i = 0; i < j; ++i) {
      const double x = d[i + j * n] - mx;
      const double y = tree.cophenetic[size_t(i + j * n)] - my;
      sxx += x * x;
      syy += y * y;
      sxy += x * y;
    }
  if (!(sxx > 0) || !(syy > 0)) return std::numeric_limits<double>::quiet_NaN();
  return sxy / std::sqrt(sxx * syy);
}

std::vector<int32_t> cut_tree(const Dendrogram& tree, int64_t k) {
  const int64_t n = tree.n;
  // Union-find over the first n - k steps.
  std::vector<int64_t> parent(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) parent[size_t(i)] = i;
  auto find = [&](int64_t x) {
    while (parent[size_t(x)] != x) {
      parent[size_t(x)] = parent[size_t(parent[size_t(x)])];
      x = parent[size_t(x)];
    }
    return x;
  };
  // A representative object of each step's cluster.
  std::vector<int64_t> rep(static_cast<size_t>(std::max<int64_t>(n - 1, 0)));
  auto object_of = [&](int64_t v) { return v < 0 ? -v - 1 : rep[size_t(v - 1)]; };
  const int64_t steps = std::max<int64_t>(0, std::min(n - 1, n - k));
  for (int64_t s = 0; s + 1 < n; ++s) {
    const int64_t a = object_of(tree.merge[size_t(2 * s)]);
    const int64_t b = object_of(tree.merge[size_t(2 * s + 1)]);
    rep[size_t(s)] = a;
    if (s < steps) parent[size_t(find(b))] = find(a);
  }
  std::vector<int32_t> label(static_cast<size_t>(n), -1), root_label(static_cast<size_t>(n), -1);
  int32_t next = 0;
  for (int64_t i = 0; i < n; ++i) {
    const int64_t r = find(i);
    if (root_label[size_t(r)] < 0) root_label[size_t(r)] = next++;
    label[size_t(i)] = root_label[size_t(r)];
  }
  return label;
}

std::vector<double> silhouette(const double* d, int64_t n,
                               const std::vector<int32_t>& labels) {
  std::vector<double> s(static_cast<size_t>(n), 0.0);
  int32_t nl = 0;
  for (int32_t l : labels) nl = std::max(nl, int32_t(l + 1));
  if (nl < 2) return s;
  std::vector<int64_t> count(static_cast<size_t>(nl), 0);
  for (int32_t l : labels) ++count[size_t(l)];
  std::vector<double> sum(static_cast<size_t>(nl));
  for (int64_t i = 0; i < n; ++i) {
    std::fill(sum.begin(), sum.end(), 0.0);
    for (int64_t j = 0; j < n; ++j)
      if (j != i) sum[size_t(labels[size_t(j)])] += d[i + j * n];
    const int32_t own = labels[size_t(i)];
    if (count[size_t(own)] < 2) continue;  // s = 0 for a cluster of one
    const double a = sum[size_t(own)] / double(count[size_t(own)] - 1);
    double b = std::numeric_limits<double>::infinity();
    for (int32_t l = 0; l < nl; ++l)
      if (l != own && count[size_t(l)] > 0)
        b = std::min(b, sum[size_t(l)] / double(count[size_t(l)]));
    const double den = std::max(a, b);
    s[size_t(i)] = den > 0 ? (b - a) / den : 0.0;
  }
  return s;
}

double dispersion(const double* c, int64_t n) {
  double s = 0;
  for (int64_t t = 0; t < n * n; ++t) {
    const double x = c[t] - 0.5;
    s += 4.0 * x * x;
  }
  return n > 0 ? s / (double(n) * double(n)) : 0.0;
}

}  // namespace nmf
