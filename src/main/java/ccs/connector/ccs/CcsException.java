package ccs.connector.ccs;

import ccs.connector.api.ApiException;

/**
 * A failure of a Call Center Studio call, typed so that routes can answer the CRM with a clear
 * status: {@link #httpStatus()} is what an {@code /api/v1} caller should see.
 */
public class CcsException extends ApiException implements Cloneable {

    private boolean remembered;

    public CcsException(int httpStatus, String message) {
        super(httpStatus, message);
    }

    /**
     * The same failure, of the same type, for a later request that is answered with it without asking the platform (a
     * refused login or app token, held for a while): {@link #isRemembered()} tells it from the platform's answer.
     */
    public CcsException remembered() {
        try {
            CcsException copy = (CcsException) clone();
            copy.remembered = true;
            return copy;
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** This failure was the platform's answer to an earlier request, not to this one. */
    public boolean isRemembered() {
        return remembered;
    }
}
