package org.spfgate;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.spfgate.config.ConfigError;
import org.spfgate.config.GatewayConfig;
import org.spfgate.config.HostPort;
import org.spfgate.config.KeyLocations;
import org.spfgate.listener.PemKeyMaterial;

/**
 * What a valid config file names outside itself, checked the way {@code run} and a reload will
 * use it: the TLS certificate and key (readable, parsable, one pair), the directories the
 * gateway writes (the delivery directory, the decision log's), and — for a start, not a reload,
 * which keeps its sockets — the addresses it binds. Each problem names its key and line.
 * {@code config --check} runs them all, so that it never says {@code ok} to a file {@code run}
 * then refuses.
 */
public final class EnvironmentChecks {

    private static final String IN_USE = "Address already in use";
    /** Ends the message of an address in use: {@link #inUse} tells these apart. */
    private static final String IN_USE_HINT = " (by the running gateway? a reload keeps its sockets)";

    private EnvironmentChecks() {
    }

    /** Everything {@code run} needs: files, directories and the listen addresses. */
    public static List<ConfigError> forStart(GatewayConfig config, Path file) {
        List<ConfigError> errors = forReload(config, file);
        KeyLocations keys = KeyLocations.of(file);
        List<HostPort> listen = config.server().listen();
        for (int i = 0; i < listen.size(); i++) {
            bindable(listen.get(i), "server.listen[" + i + "]", keys, errors);
        }
        if (config.metrics() != null && config.metrics().listen() != null) {
            bindable(config.metrics().listen(), "metrics.listen", keys, errors);
        }
        return errors;
    }

    /**
     * An address that is in use: {@code run} would fail on it, but checking the file of a running
     * gateway before a reload finds its own sockets there, so {@code config --check} only warns.
     */
    public static boolean inUse(ConfigError error) {
        return error.message().endsWith(IN_USE_HINT);
    }

    /** What a reload needs: the files and directories (the sockets stay as they are). */
    public static List<ConfigError> forReload(GatewayConfig config, Path file) {
        KeyLocations keys = KeyLocations.of(file);
        List<ConfigError> errors = new ArrayList<>();
        var tls = config.server().tls();
        if (tls != null && readable(tls.certificate(), "server.tls.certificate", keys, errors)
                & readable(tls.key(), "server.tls.key", keys, errors)) {
            try {
                PemKeyMaterial.serverContext(tls.certificate(), tls.key());
            } catch (IOException e) {
                String message = e.getMessage();
                String key = message.startsWith("server.tls.key") ? "server.tls.key"
                        : message.startsWith("server.tls.certificate") ? "server.tls.certificate" : "server.tls";
                errors.add(keys.error(key, message.replaceFirst("^server\\.tls(\\.\\w+)?: ", "")));
            }
        }
        if (config.relay() == null && config.deliverToDirectory() != null) {
            writableDirectory(config.deliverToDirectory(), "deliver_to_directory", keys, errors);
        }
        if (config.log() != null && config.log().file() != null) {
            Path log = config.log().file().toAbsolutePath();
            if (Files.isDirectory(log)) {
                errors.add(keys.error("log.file", log + " is a directory"));
            } else if (Files.exists(log) && !Files.isWritable(log)) {
                errors.add(keys.error("log.file", log + " is not writable"));
            } else if (!Files.exists(log)) {
                // the log is created on start, its directory is not
                if (!Files.isDirectory(log.getParent())) {
                    errors.add(keys.error("log.file", "cannot create " + log + ": no directory " + log.getParent()));
                } else if (!Files.isWritable(log.getParent())) {
                    errors.add(keys.error("log.file", "cannot create " + log + ": " + log.getParent() + " is not writable"));
                }
            }
        }
        return errors;
    }

    private static boolean readable(Path file, String key, KeyLocations keys, List<ConfigError> errors) {
        if (!Files.exists(file)) {
            errors.add(keys.error(key, "no such file: " + file));
        } else if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            errors.add(keys.error(key, file + " is not a readable file"));
        } else {
            return true;
        }
        return false;
    }

    /** The directory exists and is writable, or the nearest existing folder above it is (it will be created). */
    private static void writableDirectory(Path directory, String key, KeyLocations keys, List<ConfigError> errors) {
        Path d = directory.toAbsolutePath();
        Path existing = d;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null || !Files.isDirectory(existing)) {
            errors.add(keys.error(key, d + " cannot be created: " + existing + " is not a directory"));
        } else if (!Files.isWritable(existing) || !Files.isExecutable(existing)) {
            errors.add(keys.error(key, existing.equals(d) ? d + " is not writable"
                    : d + " cannot be created: " + existing + " is not writable"));
        }
    }

    private static void bindable(HostPort address, String key, KeyLocations keys, List<ConfigError> errors) {
        InetAddress host;
        try {
            host = InetAddress.getByName(address.host());
        } catch (UnknownHostException e) {
            errors.add(keys.error(key, "cannot resolve " + address.host()));
            return;
        }
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(host, address.port()));
        } catch (BindException e) {
            String message = "cannot listen on " + address + ": " + e.getMessage();
            errors.add(keys.error(key, IN_USE.equals(e.getMessage()) ? message + IN_USE_HINT : message));
        } catch (IOException e) {
            errors.add(keys.error(key, "cannot listen on " + address + ": " + e.getMessage()));
        }
    }
}
