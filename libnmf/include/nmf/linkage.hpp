// Average-linkage hierarchical clustering of a dissimilarity matrix and the
// measures the consensus workflow reads from it: the cophenetic
// correlation, the cut into a given number of clusters, silhouette widths
// and the dispersion of a consensus matrix.  Memory is O(n^2) over the n
// objects clustered (samples), never over features.
#pragma once
#include <cstdint>
#include <vector>

namespace nmf {

// A dendrogram in the form R's hclust uses.  Step s (0-based) joins
// merge[2s] and merge[2s+1]: a negative value -(i+1) is the object i, a
// positive value t+1 the cluster formed at step t.  Two objects come in
// increasing order, an object comes before a cluster, two clusters in the
// order they were formed.  height[s] is the dissimilarity at which step s
// joins; order lists the objects left to right (each step's first member
// drawn before its second).
struct Dendrogram {
  int64_t n = 0;
  std::vector<int64_t> merge;   // 2 (n - 1)
  std::vector<double> height;   // n - 1
  std::vector<int64_t> order;   // n
  std::vector<double> cophenetic;  // n x n: height of the step joining i, j
};

// Average linkage (UPGMA; Sokal & Michener 1958): repeatedly join the two
// clusters P, Q with the smallest average dissimilarity
//   d(P, Q) = 1/(|P||Q|) sum_{i in P, j in Q} D_ij,
// updated after each join by Lance & Williams (1967):
//   d(P u Q, R) = (|P| d(P, R) + |Q| d(Q, R)) / (|P| + |Q|).
// Ties are broken towards the pair whose smallest members are smallest
// (first by the smaller cluster's least member, then the other's), so the
// tree is a function of D alone; dissimilarities within 1e-12 max|D| of
// each other count as tied, so rounding in the updates does not decide.  D is n x n column-major, symmetric (only
// the strict upper triangle is read).  Nearest-neighbour bookkeeping keeps
// the usual cost near O(n^2); memory is one triangle of D.
Dendrogram average_linkage(const double* d, int64_t n);

// Pearson correlation between D_ij and the cophenetic dissimilarity over
// the pairs i < j (Sokal & Rohlf 1962).  NaN when either has no variance.
double cophenetic_correlation(const double* d, const Dendrogram& tree);

// Cuts the tree into k clusters by undoing its last k - 1 joins.  Clusters
// are numbered 0 .. k-1 in the order of their first object.
std::vector<int32_t> cut_tree(const Dendrogram& tree, int64_t k);

// Silhouette width (Rousseeuw 1987) of every object under the labels,
// from the dissimilarity D: s(i) = (b(i) - a(i)) / max(a(i), b(i)) with
// a(i) the mean dissimilarity of i to the other members of its cluster
// and b(i) the smallest mean dissimilarity of i to another cluster;
// s(i) = 0 for a cluster of one, and for every object when there is one
// cluster.
std::vector<double> silhouette(const double* d, int64_t n,
                               const std::vector<int32_t>& labels);

// Dispersion of a consensus matrix C (n x n, entries in [0, 1]), Kim & Park
// (2007): rho = 1/n^2 sum_ij 4 (C_ij - 1/2)^2; 1 when every entry is 0 or 1,
// lower as entries move towards 1/2.
double dispersion(const double* c, int64_t n);

}  // namespace nmf
