package ccs.connector.simulator;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * The simulator's answer to {@code reportsAgentPerf} ({@code startdate}, {@code finishdate} as yyyy-MM-dd, today when
 * absent; optional {@code agent} (e-mail or id), {@code email}, {@code team}): one row per agent with the agent's figures
 * summed over the days of the period up to today. The vendor publishes no answer shape: this one is an assumption
 * (README, "Agent performance"), {@code {"success": true, "AgentPerfList": [row, ...]}}, counts as numbers, some
 * durations as seconds and others as {@code HH:mm:ss} text. An agent's figures of a day are the same at every request.
 */
final class AgentFigures {

    private static final int MAX_DAYS = 366;

    private final List<String> agents;
    private final long seed;

    AgentFigures(List<String> agents, long seed) {
        this.agents = agents;
        this.seed = seed;
    }

    Map<String, Object> answer(Map<String, String> params, LocalDate today) {
        LocalDate start;
        LocalDate finish;
        try {
            start = date(params.get("startdate"), today);
            finish = date(params.get("finishdate"), today);
        } catch (DateTimeParseException e) {
            return Map.of("success", false, "message", "startdate and finishdate must be dates like 2026-11-02");
        }
        if (finish.isBefore(start) || start.plusDays(MAX_DAYS).isBefore(finish)) {
            return Map.of("success", false, "message", "finishdate must lie after startdate, at most " + MAX_DAYS + " days");
        }
        LocalDate last = finish.isAfter(today) ? today : finish;
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 0; i < agents.size(); i++) {
            String email = agents.get(i);
            String id = SyntheticCalls.agentId(email);
            String team = i % 2 == 0 ? "Sales" : "Support";
            if (!matches(params.get("agent"), email, id) || !matches(params.get("email"), email) || !matches(params.get("team"), team)
                    || last.isBefore(start)) {
                continue;
            }
            long[] sums = new long[7];
            start.datesUntil(last.plusDays(1)).forEach(day -> add(sums, email, day));
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("agent", id);
            row.put("email", email);
            row.put("team", team);
            row.put("startdate", start.toString());
            row.put("finishdate", finish.toString());
            row.put("inbound_calls", sums[0]);
            row.put("answered_calls", sums[1]);
            row.put("missed_calls", sums[0] - sums[1]);
            row.put("outbound_calls", sums[2]);
            row.put("talk_duration", sums[3]);
            row.put("avg_talk_duration", clock(sums[1] == 0 ? 0 : sums[3] / sums[1]));
            row.put("hold_duration", sums[4]);
            row.put("login_duration", clock(sums[5]));
            row.put("break_duration", clock(sums[6]));
            rows.add(row);
        }
        return Map.of("success", true, "AgentPerfList", rows);
    }

    /** One agent's day: inbound, answered, outbound calls, talk, hold, login and break seconds. */
    private void add(long[] sums, String agent, LocalDate day) {
        Random random = new Random(seed ^ (agent + "|" + day).hashCode());
        int inbound = 10 + random.nextInt(50);
        int answered = inbound - random.nextInt(6);
        sums[0] += inbound;
        sums[1] += answered;
        sums[2] += random.nextInt(20);
        sums[3] += (long) answered * (60 + random.nextInt(240));
        sums[4] += random.nextInt(600);
        sums[5] += 6 * 3600 + random.nextInt(3 * 3600);
        sums[6] += random.nextInt(3600);
    }

    private static boolean matches(String wanted, String... values) {
        if (wanted == null || wanted.isBlank()) {
            return true;
        }
        for (String value : values) {
            if (value.equalsIgnoreCase(wanted.trim())) {
                return true;
            }
        }
        return false;
    }

    private static LocalDate date(String value, LocalDate today) {
        return value == null || value.isBlank() ? today : LocalDate.parse(value.trim());
    }

    private static String clock(long seconds) {
        return String.format(Locale.ROOT, "%02d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60);
    }
}
