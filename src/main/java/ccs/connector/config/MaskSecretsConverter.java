package ccs.connector.config;

import java.util.List;

import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.plugins.Plugin;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.apache.logging.log4j.core.pattern.ConverterKeys;
import org.apache.logging.log4j.core.pattern.LogEventPatternConverter;
import org.apache.logging.log4j.core.pattern.PatternConverter;
import org.apache.logging.log4j.core.pattern.PatternFormatter;

/**
 * Log pattern {@code %maskSecrets{pattern}}: formats the inner pattern, then masks secrets with
 * {@link Secrets#mask}, so the text and the JSON log formats mask exactly like the code does.
 */
@Plugin(name = "MaskSecretsConverter", category = PatternConverter.CATEGORY)
@ConverterKeys({"maskSecrets"})
public final class MaskSecretsConverter extends LogEventPatternConverter {

    private final List<PatternFormatter> formatters;

    private MaskSecretsConverter(List<PatternFormatter> formatters) {
        super("maskSecrets", "maskSecrets");
        this.formatters = formatters;
    }

    public static MaskSecretsConverter newInstance(Configuration config, String[] options) {
        if (options == null || options.length != 1) {
            throw new IllegalArgumentException("%maskSecrets needs one inner pattern, e.g. %maskSecrets{%m%throwable}");
        }
        return new MaskSecretsConverter(PatternLayout.createPatternParser(config).parse(options[0]));
    }

    @Override
    public void format(LogEvent event, StringBuilder output) {
        StringBuilder inner = new StringBuilder();
        for (PatternFormatter formatter : formatters) {
            formatter.format(event, inner);
        }
        output.append(Secrets.mask(inner.toString()));
    }

    @Override
    public boolean handlesThrowable() {
        return true;
    }
}
