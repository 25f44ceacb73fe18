package io.vivarium.api;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** The service may listen beyond this machine only when every request must carry the API token. */
public final class BindPolicy {

    private BindPolicy() {
    }

    /** Throws with a message for the user when {@code address} is not loopback and no token is set. */
    public static void check(String address, boolean tokenSet) {
        if (tokenSet || isLoopback(address)) {
            return;
        }
        throw new IllegalStateException("refusing to listen on " + address + " without an API token: set "
                + "VIVARIUM_API_TOKEN (environment or .env) so that every request must carry it, or bind 127.0.0.1");
    }

    static boolean isLoopback(String address) {
        if (address == null || address.isBlank()) {
            return false; // Spring's default is every interface
        }
        try {
            return InetAddress.getByName(address).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
