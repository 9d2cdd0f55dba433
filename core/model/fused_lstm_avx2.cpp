// The fused LSTM's gate math for AVX2 + FMA, 8 floats at a time. This file alone is compiled with
// -mavx2 -mfma (core/CMakeLists.txt), so it includes nothing but the kernel header and the intrinsics
// (whose functions are static always-inline) and keeps every helper in an anonymous namespace: no inline
// function that the rest of the program also emits is ever built here with those flags.
//
// exp and tanh are Cephes' single-precision approximations (about 1-2 ulp), which keeps the LSTM's
// outputs and gradients within about 1e-7 relative of LibTorch's.

#include "model/fused_lstm_kernel.h"

#include <immintrin.h>

namespace posenc::core::lstmkernel {

namespace {

// Cephes expf: x = n ln2 + r, exp(r) by a degree-6 polynomial, times 2^n. The input is clamped to where
// 2^n stays a normal float (exp(-87.3) ~ 1.2e-38, exp(88) ~ 1.7e38).
__m256 exp8(__m256 x) {
    x = _mm256_min_ps(x, _mm256_set1_ps(88.0f));
    x = _mm256_max_ps(x, _mm256_set1_ps(-87.3f));
    __m256 n = _mm256_fmadd_ps(x, _mm256_set1_ps(1.44269504088896341f), _mm256_set1_ps(0.5f));
    n = _mm256_floor_ps(n);
    x = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693359375f), x);
    x = _mm256_fnmadd_ps(n, _mm256_set1_ps(-2.12194440e-4f), x);
    const __m256 z = _mm256_mul_ps(x, x);
    __m256 y = _mm256_set1_ps(1.9875691500e-4f);
    y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(1.3981999507e-3f));
    y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(8.3334519073e-3f));
    y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(4.1665795894e-2f));
    y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(1.6666665459e-1f));
    y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(5.0000001201e-1f));
    y = _mm256_fmadd_ps(y, z, x);
    y = _mm256_add_ps(y, _mm256_set1_ps(1.0f));
    const __m256i e = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvttps_epi32(n), _mm256_set1_epi32(127)), 23);
    return _mm256_mul_ps(y, _mm256_castsi256_ps(e));
}

__m256 sigmoid8(__m256 x) {
    const __m256 one = _mm256_set1_ps(1.0f);
    return _mm256_div_ps(one, _mm256_add_ps(one, exp8(_mm256_sub_ps(_mm256_setzero_ps(), x))));
}

// Cephes tanhf: an odd polynomial below |x| = 0.625 (where 1 - 2/(e^2x + 1) would cancel), else that form.
__m256 tanh8(__m256 x) {
    const __m256 signMask = _mm256_set1_ps(-0.0f);
    const __m256 ax = _mm256_andnot_ps(signMask, x);
    const __m256 z = _mm256_mul_ps(x, x);
    __m256 p = _mm256_set1_ps(-5.70498872745e-3f);
    p = _mm256_fmadd_ps(p, z, _mm256_set1_ps(2.06390887954e-2f));
    p = _mm256_fmadd_ps(p, z, _mm256_set1_ps(-5.37397155531e-2f));
    p = _mm256_fmadd_ps(p, z, _mm256_set1_ps(1.33314422036e-1f));
    p = _mm256_fmadd_ps(p, z, _mm256_set1_ps(-3.33332819422e-1f));
    const __m256 small = _mm256_fmadd_ps(_mm256_mul_ps(p, z), x, x);
    const __m256 one = _mm256_set1_ps(1.0f);
    const __m256 e = exp8(_mm256_add_ps(ax, ax));
    __m256 large = _mm256_sub_ps(one, _mm256_div_ps(_mm256_set1_ps(2.0f), _mm256_add_ps(e, one)));
    large = _mm256_or_ps(large, _mm256_and_ps(signMask, x));
    return _mm256_blendv_ps(large, small, _mm256_cmp_ps(ax, _mm256_set1_ps(0.625f), _CMP_LT_OQ));
}

// All 8 lanes of a vector at p (plain unaligned loads and stores).
struct AllLanes {
    __m256 load(const float *p) const { return _mm256_loadu_ps(p); }
    __m256 loadOrZero(const float *p) const { return p ? load(p) : _mm256_setzero_ps(); }
    void store(float *p, __m256 v) const { _mm256_storeu_ps(p, v); }
};

// Lanes [0, n) of a vector at p, n < 8, for a row's tail; the others read as 0 and are never stored.
// (Masked moves are slow on some CPUs, so only the tail uses them.)
struct FirstLanes {
    __m256i mask;
    explicit FirstLanes(int64_t n)
        : mask(_mm256_cmpgt_epi32(_mm256_set1_epi32(int(n)), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7))) {}
    __m256 load(const float *p) const { return _mm256_maskload_ps(p, mask); }
    __m256 loadOrZero(const float *p) const { return p ? load(p) : _mm256_setzero_ps(); }
    void store(float *p, __m256 v) const { _mm256_maskstore_ps(p, mask, v); }
};

// The forward step for the 8 (or fewer) columns at j of row b.
template <typename Lanes> void forwardAt(const StepForward &a, int64_t b, int64_t j, const Lanes &l) {
    float *g = a.gates + b * a.gatesStride + j;
    const float *cp = a.cPrev ? a.cPrev + b * a.cPrevStride + j : nullptr;
    const int64_t hid = a.hidden;
    const __m256 i = sigmoid8(l.load(g)), f = sigmoid8(l.load(g + hid));
    const __m256 gg = tanh8(l.load(g + 2 * hid)), o = sigmoid8(l.load(g + 3 * hid));
    const __m256 c = _mm256_fmadd_ps(f, l.loadOrZero(cp), _mm256_mul_ps(i, gg));
    const __m256 tc = tanh8(c);
    const __m256 h = _mm256_mul_ps(o, tc);
    l.store(g, i);
    l.store(g + hid, f);
    l.store(g + 2 * hid, gg);
    l.store(g + 3 * hid, o);
    l.store(a.c + b * a.cStride + j, c);
    l.store(a.tanhC + b * a.tanhCStride + j, tc);
    l.store(a.h + b * a.hStride + j, h);
    if (a.hCopy)
        l.store(a.hCopy + b * a.hCopyStride + j, h);
}

// The backward step for the 8 (or fewer) columns at j of row b.
template <typename Lanes> void backwardAt(const StepBackward &a, int64_t b, int64_t j, const Lanes &l) {
    const float *g = a.gates + b * a.gatesStride + j;
    const float *cp = a.cPrev ? a.cPrev + b * a.cPrevStride + j : nullptr;
    const float *dy = a.dy ? a.dy + b * a.dyStride + j : nullptr;
    const float *dhr = a.dhRec ? a.dhRec + b * a.hidden + j : nullptr;
    float *dc = a.dc + b * a.hidden + j;
    float *dg = a.dGates + b * a.dGatesStride + j;
    const int64_t hid = a.hidden;
    const __m256 one = _mm256_set1_ps(1.0f);
    const __m256 dh = _mm256_add_ps(l.loadOrZero(dy), l.loadOrZero(dhr));
    const __m256 i = l.load(g), f = l.load(g + hid);
    const __m256 gg = l.load(g + 2 * hid), o = l.load(g + 3 * hid);
    const __m256 tc = l.load(a.tanhC + b * a.tanhCStride + j);
    const __m256 dTanh = _mm256_mul_ps(_mm256_mul_ps(dh, o), _mm256_fnmadd_ps(tc, tc, one));
    const __m256 dcv = _mm256_add_ps(l.load(dc), dTanh);
    const __m256 dO = _mm256_mul_ps(_mm256_mul_ps(dh, tc), _mm256_mul_ps(o, _mm256_sub_ps(one, o)));
    const __m256 dI = _mm256_mul_ps(_mm256_mul_ps(dcv, gg), _mm256_mul_ps(i, _mm256_sub_ps(one, i)));
    const __m256 dF =
        _mm256_mul_ps(_mm256_mul_ps(dcv, l.loadOrZero(cp)), _mm256_mul_ps(f, _mm256_sub_ps(one, f)));
    const __m256 dG = _mm256_mul_ps(_mm256_mul_ps(dcv, i), _mm256_fnmadd_ps(gg, gg, one));
    l.store(dg, dI);
    l.store(dg + hid, dF);
    l.store(dg + 2 * hid, dG);
    l.store(dg + 3 * hid, dO);
    l.store(dc, _mm256_mul_ps(dcv, f));
}

} // namespace

void stepForwardAvx2(const StepForward &a) {
    const int64_t full = a.hidden / 8 * 8;
    const FirstLanes tail(a.hidden - full);
    for (int64_t b = 0; b < a.batch; ++b) {
        for (int64_t j = 0; j < full; j += 8)
            forwardAt(a, b, j, AllLanes());
        if (full < a.hidden)
            forwardAt(a, b, full, tail);
    }
}

void stepBackwardAvx2(const StepBackward &a) {
    const int64_t full = a.hidden / 8 * 8;
    const FirstLanes tail(a.hidden - full);
    for (int64_t b = 0; b < a.batch; ++b) {
        for (int64_t j = 0; j < full; j += 8)
            backwardAt(a, b, j, AllLanes());
        if (full < a.hidden)
            backwardAt(a, b, full, tail);
    }
}

} // namespace posenc::core::lstmkernel
