package org.spfgate.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where each key of a config file was written, for errors found after the file was read — a
 * certificate that does not parse, a directory that is not writable, an address already in use
 * — so that they too name key and line. A key the file leaves out (its default applies) has no
 * line; the error then names only the key.
 */
public final class KeyLocations {

    private static final KeyLocations NONE = new KeyLocations(Optional.empty());

    private final Optional<YamlNode> root;

    private KeyLocations(Optional<YamlNode> root) {
        this.root = root;
    }

    /** The keys of {@code file}; none when it is {@code null} (built-in defaults) or unreadable. */
    public static KeyLocations of(Path file) {
        if (file == null) {
            return NONE;
        }
        try {
            return new KeyLocations(YamlDocument.read(file.toString(), Files.readString(file, StandardCharsets.UTF_8)));
        } catch (IOException | ConfigException e) {
            return NONE; // loading the config reports these itself
        }
    }

    /**
     * An error about {@code keyPath} ({@code server.tls.certificate}, {@code server.listen[1]}) at
     * the position of its value, or of its nearest written ancestor.
     */
    public ConfigError error(String keyPath, String message) {
        YamlNode.Position at = root.map(r -> find(r, keyPath)).orElse(null);
        return at == null ? new ConfigError(keyPath, 0, 0, message) : new ConfigError(keyPath, at.line(), at.column(), message);
    }

    private static YamlNode.Position find(YamlNode node, String keyPath) {
        YamlNode.Position found = null;
        for (String segment : keyPath.split("\\.")) {
            String key = segment.replaceAll("\\[\\d+\\]$", "");
            YamlNode next = null;
            if (node instanceof YamlNode.Mapping mapping) {
                for (YamlNode.Entry entry : mapping.entries()) {
                    if (entry.key().equals(key)) {
                        next = entry.value();
                    }
                }
            }
            if (next != null && segment.endsWith("]") && next instanceof YamlNode.Sequence list) {
                int index = Integer.parseInt(segment.substring(segment.lastIndexOf('[') + 1, segment.length() - 1));
                next = index < list.items().size() ? list.items().get(index) : null;
            }
            if (next == null) {
                return found;
            }
            node = next;
            found = next.position();
        }
        return found;
    }
}
