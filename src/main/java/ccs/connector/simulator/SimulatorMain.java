package ccs.connector.simulator;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the Call Center Studio simulator on its own, so that other tools can be pointed at it:
 * {@code java -cp target/ccs-connector.jar ccs.connector.simulator.SimulatorMain --port 9090}.
 * Options: {@code --port N}, {@code --host H}, {@code --app-token T}, {@code --agents a@x,b@y},
 * {@code --records N} (CDR records made at start), {@code --demo CONNECTOR_URL WEBHOOK_TOKEN}.
 */
public final class SimulatorMain {

    private SimulatorMain() {
    }

    public static void main(String[] args) throws Exception {
        SimulatorSettings settings = new SimulatorSettings().port(9090);
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> settings.port(Integer.parseInt(args[++i]));
                case "--host" -> settings.host(args[++i]);
                case "--app-token" -> settings.appToken(args[++i]);
                case "--agents" -> settings.agents(Arrays.asList(args[++i].split(",")));
                case "--records" -> settings.seedRecords(Integer.parseInt(args[++i]));
                case "--demo" -> {
                    String connector = args[++i];
                    String token = args[++i];
                    settings.demo(Duration.ofSeconds(10), connector + "/webhooks/ccs/hangup?token=" + token,
                            connector + "/webhooks/ccs/ivr?token=" + token);
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + "; options: --port N --host H --app-token T --agents a@x,b@y --records N --demo CONNECTOR_URL WEBHOOK_TOKEN");
            }
        }
        CcsSimulator simulator = CcsSimulator.start(settings);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            simulator.close();
            stopped.countDown();
        }));
        System.out.println("Simulator API: " + simulator.apiUrl() + "  softphone: " + simulator.softphoneUrl()
                + "  app token: (see --app-token; default is the demo token in application.properties)");
        stopped.await();
    }
}
