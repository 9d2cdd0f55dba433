#pragma once
// What the app was built from, for the About dialog. Free of LibTorch headers.

#include <QString>

namespace posenc::core {

// The app's version, the CMake project version (e.g. "0.1.0").
QString appVersion();
// The LibTorch version the core was compiled against, as its headers state it (TORCH_VERSION).
QString libTorchVersion();

} // namespace posenc::core
