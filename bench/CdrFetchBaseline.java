import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The baseline of the CDR sync benchmark: a plain Java HttpClient loop that only fetches the
 * pages of one window (cursor paging until a page holds fewer than 100 records), parsing no
 * more than the cursor and the record count. Prints records, pages and seconds.
 * java bench/CdrFetchBaseline.java API_URL APP_TOKEN "yyyy-MM-dd HH:mm:ss" "yyyy-MM-dd HH:mm:ss"
 */
public final class CdrFetchBaseline {

    private static final Pattern CURSOR = Pattern.compile("\"cursor\":\"([^\"]*)\"");
    private static final Pattern RECORD = Pattern.compile("\"callid\":");

    public static void main(String[] args) throws Exception {
        String base = args[0] + "?function=reportsCDRLogs&sorting=asc&app_token=" + enc(args[1])
                + "&startdate=" + enc(args[2]) + "&finishdate=" + enc(args[3]);
        HttpClient http = HttpClient.newHttpClient();
        long started = System.nanoTime();
        long records = 0;
        int pages = 0;
        String cursor = null;
        while (true) {
            String body = http.send(HttpRequest.newBuilder(URI.create(base + (cursor == null ? "" : "&cursor=" + enc(cursor)))).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            pages++;
            int count = 0;
            Matcher record = RECORD.matcher(body);
            while (record.find()) {
                count++;
            }
            records += count;
            Matcher next = CURSOR.matcher(body);
            cursor = next.find() ? next.group(1) : null;
            if (count < 100 || cursor == null) {
                break;
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf("records=%d pages=%d seconds=%.3f%n", records, pages, seconds);
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
