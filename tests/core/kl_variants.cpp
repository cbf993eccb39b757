// The KL kernels (kernels.hpp) over inputs that reach every branch (zeros
// of A, ratios from subnormal to infinite, float and double, every tail
// length), hashed bit for bit.  Built once per instruction set with
// NMF_NO_MULTIVERSIONING and once against the library's dispatched copy;
// kl_variants.cmake requires every hash that ran to be the same.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <random>
#include <vector>

#include "nmf/kernels.hpp"

int main() {
#if defined(NMF_VARIANT_AVX512)
  if (!__builtin_cpu_supports("avx512f")) {
    std::printf("unsupported\n");
    return 0;
  }
#elif defined(NMF_VARIANT_AVX2)
  if (!__builtin_cpu_supports("avx2")) {
    std::printf("unsupported\n");
    return 0;
  }
#endif
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> u(0, 1);
  uint64_t h = 1469598103934665603ull;  // FNV-1a over the output bytes
  auto mix = [&](const void* p, size_t bytes) {
    const unsigned char* c = static_cast<const unsigned char*>(p);
    for (size_t i = 0; i < bytes; ++i) {
      h ^= c[i];
      h *= 1099511628211ull;
    }
  };
  for (int t = 0; t < 200; ++t) {
    const int64_t len = 1 + int64_t(u(rng) * 300);
    std::vector<double> a(static_cast<size_t>(len)), y(static_cast<size_t>(len));
    std::vector<float> af(static_cast<size_t>(len));
    for (int64_t i = 0; i < len; ++i) {
      a[size_t(i)] = u(rng) < 0.2 ? 0.0 : std::pow(10.0, (u(rng) - 0.5) * (t % 3 == 0 ? 600 : 20));
      af[size_t(i)] = float(a[size_t(i)]);
      y[size_t(i)] = u(rng) < 0.02 ? 0.0 : std::pow(10.0, (u(rng) - 0.5) * (t % 5 == 0 ? 600 : 20));
    }
    double l, q;
    std::vector<double> r = y;
    nmf::kernels::kl_ratio_loss(a.data(), 0.7, r.data(), len, &l, &q);
    mix(&l, sizeof l);
    mix(&q, sizeof q);
    mix(r.data(), sizeof(double) * size_t(len));
    r = y;
    nmf::kernels::kl_ratio_loss(af.data(), 0.7, r.data(), len, &l, &q);
    mix(&l, sizeof l);
    mix(&q, sizeof q);
    mix(r.data(), sizeof(double) * size_t(len));
    nmf::kernels::kl_loss(a.data(), 1.3, y.data(), len, &l, &q);
    mix(&l, sizeof l);
    mix(&q, sizeof q);
    r = y;
    nmf::kernels::kl_ratio(af.data(), 1.3, len, r.data());
    mix(r.data(), sizeof(double) * size_t(len));
  }
  std::printf("%016llx\n", static_cast<unsigned long long>(h));
  return 0;
}
