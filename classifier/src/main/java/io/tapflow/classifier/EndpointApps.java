package io.tapflow.classifier;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which application a client endpoint (address + port) was last seen using for a call, so that the other legs of
 * the same call from that port inherit it: a WhatsApp or Teams client sends a vendor STUN attribute to its relays,
 * then plain STUN checks and media to its peers from the same port. Bounded, least recently used out.
 */
final class EndpointApps {
    private static final int CAPACITY = 4096;
    private final Map<Long, String> apps = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, String> eldest) {
            return size() > CAPACITY;
        }
    };

    void remember(long endpoint, String app) {
        if (endpoint != 0) {
            apps.put(endpoint, app);
        }
    }

    String recall(long endpoint) {
        return endpoint == 0 ? null : apps.get(endpoint);
    }
}
