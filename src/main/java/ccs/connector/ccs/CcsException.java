package ccs.connector.ccs;

import ccs.connector.api.ApiException;

/**
 * A failure of a Call Center Studio call, typed so that routes can answer the CRM with a clear
 * status: {@link #httpStatus()} is what an {@code /api/v1} caller should see.
 */
public class CcsException extends ApiException {

    private final boolean remembered;

    public CcsException(int httpStatus, String message) {
        super(httpStatus, message);
        this.remembered = false;
    }

    /** A new failure that says what {@code earlier} said, {@link #isRemembered() remembered}. */
    protected CcsException(CcsException earlier) {
        super(earlier.httpStatus(), earlier.getMessage());
        this.remembered = true;
    }

    /**
     * The same failure, of the same type, for a later request that is answered with it without asking the platform (a
     * refused login or app token, held for a while); a failure that is held so overrides this with its own type.
     */
    public CcsException remembered() {
        return new CcsException(this);
    }

    /** This failure was the platform's answer to an earlier request, not to this one. */
    public boolean isRemembered() {
        return remembered;
    }
}
