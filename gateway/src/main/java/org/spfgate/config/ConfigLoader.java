package org.spfgate.config;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * Loads the gateway's one YAML file (docs/contract.md §2) into a {@link GatewayConfig}, or refuses it
 * with every error found, each naming its key and line. Keys a file leaves out take
 * {@link ConfigDefaults}.
 */
public final class ConfigLoader {

    /** Where {@code run} looks when no {@code --config} is given, relative to the working directory. */
    public static final Path DEFAULT_FILE = Path.of("config", "spfgate.yaml");

    private ConfigLoader() {
    }

    /** @throws ConfigException for an unreadable file or any error in it */
    public static GatewayConfig load(Path file) throws ConfigException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw unreadable(file, "no such file");
        } catch (CharacterCodingException e) {
            throw unreadable(file, "not UTF-8 text");
        } catch (IOException e) {
            throw unreadable(file, "cannot read it: " + e);
        }
        return parse(text, file.toString());
    }

    /**
     * @param source how to name the text in messages (a file path)
     * @throws ConfigException for any error in the text
     */
    public static GatewayConfig parse(String yaml, String source) throws ConfigException {
        ConfigBinder binder = new ConfigBinder();
        GatewayConfig config = binder.bind(YamlDocument.read(source, yaml));
        List<ConfigError> errors = binder.errors();
        if (!errors.isEmpty()) {
            throw new ConfigException(source, errors);
        }
        return config;
    }

    private static ConfigException unreadable(Path file, String why) {
        return new ConfigException(file.toString(), List.of(new ConfigError("", 0, 0, why)));
    }
}
