#pragma once
// Process-wide settings that training needs from the C runtime and the BLAS, found at run time so the
// app links against neither glibc's malloc tuning nor one BLAS in particular.

namespace posenc::core {

// Sets the threads of OpenBLAS's own pool through openblas_set_num_threads when OpenBLAS is the loaded
// BLAS (torch::set_num_threads does not reach that pool). OPENBLAS_CORETYPE is left alone. Returns false
// when no OpenBLAS is loaded.
bool setBlasThreads(int threads);

// The BLAS's thread count (openblas_get_num_threads), or 0 when no OpenBLAS is loaded.
int blasThreads();

// Keeps freed memory for reuse instead of returning it to the kernel (glibc's mmap and trim thresholds),
// so a training step's large tensors are not mapped and faulted in anew every step. Idempotent.
void keepFreedMemory();

} // namespace posenc::core
