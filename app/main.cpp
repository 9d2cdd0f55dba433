// PosEnc Studio: the window, or a --headless training run. Everything else lives in core/ and ui/.

#include "cli_options.h"
#include "headless_run.h"
#include "main_window.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QTextStream>

int main(int argc, char *argv[]) {
    bool headless = false;
    for (int i = 1; i < argc; ++i)
        headless = headless || QByteArray(argv[i]) == "--headless";
    // The headless run draws heatmap.png with the same view, offscreen: no display needed.
    posenc::ui::prepareEnvironment(headless);

    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("PosEnc Studio"));
    QApplication::setOrganizationName(QStringLiteral("PosEnc Studio"));
    QApplication::setApplicationVersion(QStringLiteral(POSENC_VERSION));

    QTextStream out(stdout), err(stderr);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("See positional encodings and train the seed notebook's model with them."));
    parser.addHelpOption();
    parser.addVersionOption();
    posenc::core::addCliOptions(parser);
    if (!parser.parse(QApplication::arguments())) {
        err << "posenc-studio: " << parser.errorText() << Qt::endl;
        return posenc::ui::kExitBadInput;
    }
    if (parser.isSet(QStringLiteral("help")))
        parser.showHelp(0);
    if (parser.isSet(QStringLiteral("version")))
        parser.showVersion();

    posenc::core::CliOptions options;
    QString error;
    if (!posenc::core::readCliOptions(parser, &options, &error)) {
        err << "posenc-studio: " << error << Qt::endl;
        return posenc::ui::kExitBadInput;
    }
    if (options.headless)
        return posenc::ui::runHeadless(options, out, err);

    posenc::ui::MainWindow window(options);
    window.show();
    return QApplication::exec();
}
