package ccs.connector.config;

/**
 * How business log lines show phone numbers: partly masked by default
 * ({@code connector.log.mask-phone-numbers}), so that logs identify a call without
 * spreading callers' numbers. Routes use it as {@code ${bean:logMask?method=phone(${variable.number})}}.
 */
public final class LogMask {

    private final boolean maskPhoneNumbers;

    public LogMask(boolean maskPhoneNumbers) {
        this.maskPhoneNumbers = maskPhoneNumbers;
    }

    /** {@code 05321234567} becomes {@code 0532****567}: the first four and last three characters stay. */
    public String phone(String number) {
        if (number == null || !maskPhoneNumbers) {
            return number;
        }
        String trimmed = number.trim();
        if (trimmed.length() <= 7) {
            return "*".repeat(trimmed.length());
        }
        return trimmed.substring(0, 4) + "*".repeat(trimmed.length() - 7) + trimmed.substring(trimmed.length() - 3);
    }
}
