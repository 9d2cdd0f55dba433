// PosEnc Studio: the window, or a --headless training run. Everything else lives in core/ and ui/.

#include "dialogs/about_dialog.h"
#include "headless/headless_run.h"
#include "settings/cli_options.h"
#include "util/cpu_runtime.h"
#include "window/main_window.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QTextStream>

int main(int argc, char *argv[]) {
    posenc::core::keepFreedMemory(); // before any thread allocates
    QTextStream out(stdout), err(stderr);
    QStringList arguments;
    for (int i = 0; i < argc; ++i)
        arguments << QString::fromLocal8Bit(argv[i]);

    // Parsed before QApplication exists, so --help, --version and bad options work without a display.
    QCoreApplication::setApplicationName(QStringLiteral("PosEnc Studio"));
    QCoreApplication::setOrganizationName(QStringLiteral("PosEnc Studio"));
    QCoreApplication::setApplicationVersion(QStringLiteral(POSENC_VERSION));
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("See positional encodings and train the seed notebook's model with them."));
    const QCommandLineOption help({QStringLiteral("h"), QStringLiteral("help")},
                                  QStringLiteral("Displays this help."));
    parser.addOption(help);
    const QCommandLineOption version = parser.addVersionOption();
    posenc::core::addCliOptions(parser);
    if (!parser.parse(arguments)) {
        err << "posenc-studio: " << parser.errorText() << Qt::endl;
        return posenc::ui::kExitBadInput;
    }
    if (parser.isSet(help)) {
        // Without an application object Qt cannot name the program in the usage line.
        out << parser.helpText().replace(QStringLiteral("<executable_name>"),
                                         QStringLiteral("posenc-studio"));
        return 0;
    }
    if (parser.isSet(version)) {
        out << "posenc-studio " << POSENC_VERSION << Qt::endl;
        return 0;
    }
    posenc::core::CliOptions options;
    QString error;
    if (!posenc::core::readCliOptions(parser, &options, &error)) {
        err << "posenc-studio: " << error << Qt::endl;
        return posenc::ui::kExitBadInput;
    }
    if (!options.headless && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM") &&
        qEnvironmentVariableIsEmpty("DISPLAY") && qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY")) {
        err << "posenc-studio: no display (DISPLAY is not set); use --headless, or run the window under "
               "xvfb-run"
            << Qt::endl;
        return posenc::ui::kExitBadInput;
    }

    // The headless run draws heatmap.png with the same view, offscreen: no display needed.
    posenc::ui::prepareEnvironment(options.headless);
    QApplication app(argc, argv);
    if (options.headless)
        return posenc::ui::runHeadless(options, out, err);
    // The icon for every window and dialog; the desktop file names the app to the desktop (Wayland app id).
    QApplication::setWindowIcon(posenc::ui::appIcon());
    QGuiApplication::setDesktopFileName(QStringLiteral("posenc-studio"));
    posenc::ui::MainWindow window(options);
    window.show();
    return QApplication::exec();
}
