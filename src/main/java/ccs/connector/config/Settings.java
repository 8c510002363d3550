package ccs.connector.config;

import java.time.Duration;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Predicate;

import org.apache.camel.CamelContext;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.util.TimeUtils;

/**
 * Typed access to the connector's settings. Values come from Camel's properties component,
 * so {@code application.properties}, {@code -Dkey=value} and environment variables
 * ({@code CCS_SESSION_TTL} for {@code ccs.session.ttl}) all apply. A value that cannot be
 * read stops startup with an {@link InvalidSettingException} naming the key.
 */
public final class Settings {

    private final PropertiesComponent properties;

    public Settings(PropertiesComponent properties) {
        this.properties = properties;
    }

    public static Settings of(CamelContext context) {
        return new Settings(context.getPropertiesComponent());
    }

    public Optional<String> optional(String key) {
        return properties.resolveProperty(key).map(String::trim).filter(v -> !v.isEmpty());
    }

    /**
     * The keys beginning with {@code prefix} that are set (not empty) in application.properties, the properties given in code
     * or the system properties. Environment variables are not among them: their names cannot be read back into keys.
     */
    public SortedSet<String> keysStartingWith(String prefix) {
        SortedSet<String> keys = new TreeSet<>(properties.loadProperties(key -> key.startsWith(prefix)).stringPropertyNames());
        System.getProperties().stringPropertyNames().stream().filter(key -> key.startsWith(prefix)).forEach(keys::add);
        keys.removeIf(key -> optional(key).isEmpty());
        return keys;
    }

    /**
     * The settings whose keys pass {@code filter} as application.properties (and the properties given in code) write them:
     * before the environment or a system property overrides them, placeholders unresolved.
     */
    public Properties written(Predicate<String> filter) {
        return properties.loadProperties(filter);
    }

    public String string(String key, String fallback) {
        return optional(key).orElse(fallback);
    }

    public String required(String key) {
        return optional(key).orElseThrow(() -> new InvalidSettingException(key, "is missing: set it in application.properties or the environment"));
    }

    public boolean bool(String key, boolean fallback) {
        return parse(key, fallback, value -> {
            if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
                throw new IllegalArgumentException();
            }
            return Boolean.parseBoolean(value);
        }, "must be true or false");
    }

    public int integer(String key, int fallback) {
        return parse(key, fallback, Integer::parseInt, "must be a whole number");
    }

    /** A whole number of at least {@code min}; a smaller one stops startup naming the key and the bound. */
    public int integer(String key, int fallback, int min) {
        int value = integer(key, fallback);
        if (value < min) {
            throw new InvalidSettingException(key, "is " + value + ": it must be " + min + " or more");
        }
        return value;
    }

    /** A whole number from {@code min} to {@code max}; any other stops startup naming the key and the bounds. */
    public int integer(String key, int fallback, int min, int max) {
        int value = integer(key, fallback, min);
        if (value > max) {
            throw new InvalidSettingException(key, "is " + value + ": it must be " + max + " or less");
        }
        return value;
    }

    /** Durations are written like {@code 250ms}, {@code 60s}, {@code 5m}, {@code 8h} or {@code 1h30m}. */
    public Duration duration(String key, Duration fallback) {
        return parse(key, fallback, value -> {
            long millis = TimeUtils.toMilliSeconds(value);
            // Camel reads text without a number it knows ("abc", "5x", "-5s", ISO-8601's "PT5M") as 0: a hold of nothing, a timer that
            // never waits; and a number without its unit ("48", the "30" of "5m30") as milliseconds: a retention of 48 ms
            if (!value.matches("[0-9].*") || millis == 0 && value.matches(".*[1-9].*") || !value.equals("0") && !value.matches(".*[A-Za-z]")) {
                throw new IllegalArgumentException();
            }
            return Duration.ofMillis(millis);
        }, "must be a duration such as 500ms, 60s, 5m or 8h");
    }

    public Duration duration(String key, Duration fallback, Duration min, Duration max) {
        Duration value = duration(key, fallback);
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new InvalidSettingException(key, "is " + readable(value) + ": it must lie between " + readable(min) + " and " + readable(max));
        }
        return value;
    }

    /** Camel's way (1m0s), but in milliseconds where seconds would round a part away (50ms is no 0s). */
    public static String readable(Duration duration) {
        return duration.toMillis() % 1000 != 0 ? duration.toMillis() + "ms" : TimeUtils.printDuration(duration.toMillis());
    }

    public ZoneId zone(String key, ZoneId fallback) {
        return parse(key, fallback, ZoneId::of, "must be a time zone id such as Europe/Istanbul");
    }

    public List<String> list(String key, List<String> fallback) {
        return optional(key)
                .map(value -> Arrays.stream(value.split(",")).map(String::trim).filter(v -> !v.isEmpty()).toList())
                .orElse(fallback);
    }

    private <T> T parse(String key, T fallback, Function<String, T> parser, String expected) {
        Optional<String> value = optional(key);
        if (value.isEmpty()) {
            return fallback;
        }
        try {
            return parser.apply(value.get());
        } catch (RuntimeException e) {
            throw new InvalidSettingException(key, "is '" + value.get() + "': it " + expected);
        }
    }
}
