package ccs.connector.agentpage;

import ccs.connector.api.ApiException;

/** The agent page or one of its doors was asked without a valid signed link or cookie (HTTP 401). */
public class AgentLinkRefusedException extends ApiException {

    public AgentLinkRefusedException(String message) {
        super(401, message);
    }

    /** No registered scheme signs in with a cookie: the challenge names the cookie and where a link comes from. */
    @Override
    public String challenge() {
        return "AgentLink realm=\"ccs-connector agent page\", cookie=\"" + AgentLinks.COOKIE + "\", link=\"POST /api/v1/agent-links\"";
    }
}
