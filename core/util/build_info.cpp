#include "util/build_info.h"

#include <torch/version.h>

namespace posenc::core {

QString appVersion() {
    return QStringLiteral(POSENC_VERSION);
}

QString libTorchVersion() {
    return QStringLiteral(TORCH_VERSION);
}

} // namespace posenc::core
