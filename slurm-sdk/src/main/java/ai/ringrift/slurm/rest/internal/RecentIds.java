package ai.ringrift.slurm.rest.internal;


import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/** The last {@code capacity} ids added, for membership tests; thread-safe, the oldest go first. */
public final class RecentIds {

    private final int capacity;
    private final Set<Long> ids = ConcurrentHashMap.newKeySet();
    private final ConcurrentLinkedQueue<Long> order = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();

    RecentIds(int capacity) {
        this.capacity = capacity;
    }

    void add(long id) {
        if (ids.add(id)) {
            order.add(id);
            if (size.incrementAndGet() > capacity) {
                Long oldest = order.poll();
                if (oldest != null) {
                    ids.remove(oldest);
                    size.decrementAndGet();
                }
            }
        }
    }

    boolean contains(long id) {
        return ids.contains(id);
    }
}
