package org.spfgate.listener;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PemKeyMaterialTest {

    private static Path resource(String name) throws URISyntaxException {
        return Path.of(PemKeyMaterialTest.class.getResource("/tls/" + name).toURI());
    }

    @Test
    void ecAndRsaPkcs8KeysWithTheirCertificatesMakeAServerContext() throws Exception {
        for (String kind : new String[] {"ec", "rsa"}) {
            SSLContext context = PemKeyMaterial.serverContext(resource(kind + ".crt"), resource(kind + ".key"));
            assertEquals("TLS", context.getProtocol());
        }
    }

    @Test
    void aPkcs1KeyIsRefusedWithTheCommandThatConvertsIt() throws Exception {
        IOException e = assertThrows(IOException.class,
                () -> PemKeyMaterial.serverContext(resource("rsa.crt"), resource("rsa-pkcs1.key")));
        assertTrue(e.getMessage().contains("openssl pkcs8 -topk8 -nocrypt"), e.getMessage());
        assertTrue(e.getMessage().startsWith("server.tls.key: "), e.getMessage());
    }

    @Test
    void aKeyThatDoesNotMatchTheCertificateIsRefused() throws Exception {
        IOException e = assertThrows(IOException.class,
                () -> PemKeyMaterial.serverContext(resource("rsa.crt"), resource("ec.key")));
        assertTrue(e.getMessage().startsWith("server.tls: "), e.getMessage());
    }

    @Test
    void aFileWithoutCertificatesIsRefused(@TempDir Path dir) throws Exception {
        Path empty = Files.writeString(dir.resolve("empty.crt"), "nothing here\n");
        IOException e = assertThrows(IOException.class,
                () -> PemKeyMaterial.serverContext(empty, resource("ec.key")));
        assertTrue(e.getMessage().startsWith("server.tls"), e.getMessage());
    }
}
