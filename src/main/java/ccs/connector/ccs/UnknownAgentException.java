package ccs.connector.ccs;

/** Call Center Studio answered the login with "User not found". */
public class UnknownAgentException extends CcsException {

    public UnknownAgentException(String tenant, String agentEmail) {
        super(422, "agent " + agentEmail + " is not known to Call Center Studio tenant " + tenant + " (User not found)");
    }

    private UnknownAgentException(UnknownAgentException earlier) {
        super(earlier);
    }

    @Override
    public String field() {
        return "agentEmail";
    }

    @Override
    public UnknownAgentException remembered() {
        return new UnknownAgentException(this);
    }
}
