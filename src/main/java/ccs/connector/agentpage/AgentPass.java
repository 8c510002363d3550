package ccs.connector.agentpage;

/** Whom an agent page was opened for: the agent's e-mail and tenant, read from its verified cookie. */
public record AgentPass(String agent, String tenant) {
}
