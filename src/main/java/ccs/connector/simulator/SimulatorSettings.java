package ccs.connector.simulator;

import java.time.Duration;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** What the simulator starts with; every value has a default that suits the demo. */
public final class SimulatorSettings {

    /** The IVR notification fields and the wire names the vendor guide shows for them. */
    public static final Map<String, String> GUIDE_IVR_NAMES = Map.of(
            "call-key", "callkeyX", "event", "event", "caller", "callerid", "called", "callednum",
            "queue-name", "queuename", "queue-id", "queueid", "agent-email", "myemail", "call-date", "calldate");

    /** The value of the IVR notification's {@code event} that the vendor guide shows for the call's end. */
    public static final Set<String> GUIDE_IVR_END_EVENTS = Set.of("call_hangup");

    /** The app token the simulator accepts unless told otherwise: application.properties ships it as ccs.app-token. */
    public static final String DEFAULT_APP_TOKEN = "sim-app-token-0123456789";

    /** The agents a simulated tenant knows unless told otherwise. */
    public static final List<String> DEFAULT_AGENTS =
            List.of("ayse.yilmaz@demo.example", "mehmet.kaya@demo.example", "zeynep.demir@demo.example");

    String host = "127.0.0.1";
    int port;
    String tenant = "demo";
    String appToken = DEFAULT_APP_TOKEN;
    int appTokenRefusalStatus;
    List<String> agents = DEFAULT_AGENTS;
    ZoneId zone = ZoneId.of("Europe/Istanbul");
    Duration sessionTtl = Duration.ofHours(24);
    Duration hangupDelay = Duration.ofSeconds(3);
    boolean hangupTransactionId = true;
    boolean agentUsername = true;
    int seedRecords = 120;
    long randomSeed = 20200224L;
    Map<String, String> ivrNames = new LinkedHashMap<>(GUIDE_IVR_NAMES);
    boolean demo;
    Duration demoInterval = Duration.ofSeconds(10);
    String demoHangupUrl;
    String demoIvrUrl;

    public SimulatorSettings host(String host) {
        this.host = host;
        return this;
    }

    public SimulatorSettings port(int port) {
        this.port = port;
        return this;
    }

    public SimulatorSettings tenant(String tenant) {
        this.tenant = tenant;
        return this;
    }

    public SimulatorSettings appToken(String appToken) {
        this.appToken = appToken;
        return this;
    }

    /**
     * A request with an app token other than {@link #appToken} is answered with this HTTP status and a text body instead of
     * "Invalid Application Token", as a gateway in front of the platform may answer it (401, 403); 0 = the platform's answer.
     */
    public SimulatorSettings appTokenRefusalStatus(int status) {
        this.appTokenRefusalStatus = status;
        return this;
    }

    public SimulatorSettings agents(List<String> agents) {
        this.agents = List.copyOf(agents);
        return this;
    }

    public SimulatorSettings zone(ZoneId zone) {
        this.zone = zone;
        return this;
    }

    public SimulatorSettings sessionTtl(Duration sessionTtl) {
        this.sessionTtl = sessionTtl;
        return this;
    }

    public SimulatorSettings hangupDelay(Duration hangupDelay) {
        this.hangupDelay = hangupDelay;
        return this;
    }

    /** False: hangup callbacks leave transaction_id empty, as some tenants' callbacks do. */
    public SimulatorSettings hangupTransactionId(boolean sent) {
        this.hangupTransactionId = sent;
        return this;
    }

    /**
     * False: hangup callbacks leave agent_username empty, as the vendor's sample does, and a click2call's CDR record names
     * its agent only by the platform's id, as the record fields the vendor lists do.
     */
    public SimulatorSettings agentUsername(boolean sent) {
        this.agentUsername = sent;
        return this;
    }

    /** How many past CDR records (spread over the last hours of today) exist at start. */
    public SimulatorSettings seedRecords(int seedRecords) {
        this.seedRecords = seedRecords;
        return this;
    }

    public SimulatorSettings ivrName(String field, String wireName) {
        this.ivrNames.put(field, wireName);
        return this;
    }

    /** Demo mode: a steady trickle of calls, with IVR notifications and hangup callbacks sent to the given URLs. */
    public SimulatorSettings demo(Duration interval, String hangupUrl, String ivrUrl) {
        this.demo = true;
        this.demoInterval = interval;
        this.demoHangupUrl = hangupUrl;
        this.demoIvrUrl = ivrUrl;
        return this;
    }
}
