package org.spfgate.dns;

import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.spfgate.spf.DnsAnswer;

/**
 * Mapped DNS answers kept for their TTL, bounded in size. Sits in front of the wire so that a
 * warm SPF check costs map look-ups, not DNS round trips or record parsing.
 *
 * <p>When full, expired entries go first, then arbitrary ones (hash order) down to 90 % of the
 * bound: no LRU bookkeeping on the hot path, and a full cache still bounds memory.
 */
final class AnswerCache {

    private record Entry(DnsAnswer<?> answer, long expiresAtNanos) {
    }

    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
    private final int maxEntries;
    private final LongSupplier nanoClock;

    AnswerCache(int maxEntries, LongSupplier nanoClock) {
        if (maxEntries < 0) {
            throw new IllegalArgumentException("maxEntries < 0: " + maxEntries);
        }
        this.maxEntries = maxEntries;
        this.nanoClock = nanoClock;
    }

    /** The live answer under {@code key}, or null. */
    DnsAnswer<?> get(String key) {
        Entry entry = live(key);
        return entry == null ? null : entry.answer;
    }

    /** Seconds the live answer under {@code key} may still be kept, rounded up; 0 when there is none. */
    long remainingSeconds(String key) {
        Entry entry = live(key);
        if (entry == null) {
            return 0;
        }
        long nanos = entry.expiresAtNanos - nanoClock.getAsLong();
        return Math.max(0, (nanos + 999_999_999L) / 1_000_000_000L);
    }

    private Entry live(String key) {
        Entry entry = entries.get(key);
        if (entry == null) {
            return null;
        }
        if (nanoClock.getAsLong() - entry.expiresAtNanos >= 0) {
            entries.remove(key, entry);
            return null;
        }
        return entry;
    }

    /** Keeps {@code answer} for {@code ttlSeconds}; a TTL of 0 means do not keep it (RFC 1035 3.2.1). */
    void put(String key, DnsAnswer<?> answer, long ttlSeconds) {
        if (ttlSeconds <= 0 || maxEntries == 0) {
            return;
        }
        if (entries.size() >= maxEntries) {
            evict();
        }
        entries.put(key, new Entry(answer, nanoClock.getAsLong() + ttlSeconds * 1_000_000_000L));
    }

    int size() {
        return entries.size();
    }

    private void evict() {
        long now = nanoClock.getAsLong();
        entries.values().removeIf(e -> now - e.expiresAtNanos >= 0);
        int target = maxEntries - Math.max(1, maxEntries / 10);
        Iterator<String> keys = entries.keySet().iterator();
        while (entries.size() > target && keys.hasNext()) {
            keys.next();
            keys.remove();
        }
    }
}
