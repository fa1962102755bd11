/**
 * The gateway's configuration: one YAML file (docs/contract.md §2) read into immutable records.
 *
 * <p>Beside the message path, not on it: {@code Main} loads a {@link org.spfgate.config.GatewayConfig}
 * once at start with {@link org.spfgate.config.ConfigLoader} and hands its records to the
 * packages that build the path ({@code listener}, {@code session}, {@code policy}, {@code relay},
 * {@code dns}, {@code metrics}); none of them reads YAML. Every built-in default lives in
 * {@link org.spfgate.config.ConfigDefaults}. Errors are collected, not thrown one at a time:
 * a bad file yields a {@link org.spfgate.config.ConfigException} listing every
 * {@link org.spfgate.config.ConfigError} with its key path, line and column, and the gateway
 * refuses to start.
 *
 * <p>How: Jackson's streaming YAML parser builds a tree that keeps each node's position
 * ({@code YamlDocument}, {@code YamlNode}); {@code ConfigBinder} walks it section by section,
 * which is also where the schema (the allowed keys) is written down.
 */
package org.spfgate.config;
