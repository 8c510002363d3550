package ccs.connector.config;

/** A setting that stops startup: the message names the key and the fix. */
public class InvalidSettingException extends RuntimeException {

    private final String key;

    public InvalidSettingException(String key, String problemAndFix) {
        super("setting " + key + " " + problemAndFix);
        this.key = key;
    }

    public String key() {
        return key;
    }
}
