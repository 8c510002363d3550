package ccs.connector.agentpage;

import ccs.connector.api.ApiException;

/** The agent page or one of its doors was asked without a valid signed link or cookie (HTTP 401). */
public class AgentLinkRefusedException extends ApiException {

    public AgentLinkRefusedException(String message) {
        super(401, message);
    }
}
