package ccs.connector.crm;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The names the file sink writes an event's file under before it becomes the CRM's (bean crmFiles). */
class CrmFilesTest {

    @Test
    void twoReplicasDeliveringOneEventOnThreadsOfOneIdWriteFilesOfTheirOwn() throws Exception {
        CrmFiles replica = new CrmFiles(true);
        CrmFiles another = new CrmFiles(true);

        assertThat(replica.partName("demo_ccs.call.hangup_k1.json")).as("a retry on the same thread writes its own file again")
                .isEqualTo(replica.partName("demo_ccs.call.hangup_k1.json")).startsWith("demo_ccs.call.hangup_k1.json.").endsWith(".part");
        assertThat(another.partName("demo_ccs.call.hangup_k1.json")).isNotEqualTo(replica.partName("demo_ccs.call.hangup_k1.json"));
        String[] onAnotherThread = new String[1];
        Thread thread = new Thread(() -> onAnotherThread[0] = replica.partName("demo_ccs.call.hangup_k1.json"));
        thread.start();
        thread.join();
        assertThat(onAnotherThread[0]).isNotEqualTo(replica.partName("demo_ccs.call.hangup_k1.json"));
    }
}
