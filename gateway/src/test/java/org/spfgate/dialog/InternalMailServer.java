package org.spfgate.dialog;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.subethamail.smtp.MessageContext;
import org.subethamail.smtp.MessageHandler;
import org.subethamail.smtp.RejectException;
import org.subethamail.smtp.server.SMTPServer;

/**
 * The internal server for dialog tests: a real SubEtha SMTP server on 127.0.0.1 (the engine of
 * Wiser) that stores every message it accepts with its envelope, refuses recipients whose local
 * part starts with {@code unknown} (550 5.1.1, as Postfix would), and can be told to refuse
 * every message after DATA or to hang before answering the final dot.
 */
final class InternalMailServer implements AutoCloseable {

    enum AfterData { ACCEPT, REJECT, HANG }

    /** One delivered message. */
    record Delivery(String sender, List<String> recipients, byte[] data) {
        String text() {
            return new String(data, java.nio.charset.StandardCharsets.ISO_8859_1);
        }
    }

    private final SMTPServer server;
    private final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
    private final List<String> recipientsSeen = new CopyOnWriteArrayList<>();
    private final AtomicInteger queueIds = new AtomicInteger(1000);
    private final CountDownLatch released = new CountDownLatch(1);
    private final Semaphore messagesRead = new Semaphore(0);
    volatile AfterData afterData = AfterData.ACCEPT;
    /** How long DATA waits before answering (to test a DATA in flight during shutdown). */
    volatile long dataDelayMillis;

    InternalMailServer() {
        server = SMTPServer.port(0)
                .bindAddress(InetAddress.getLoopbackAddress())
                .hostName("internal.test")
                .insertReceivedHeaders(false)
                .maxMessageSize(100_000_000)
                .messageHandlerFactory(this::handler)
                .build();
        server.start();
    }

    int port() {
        return server.getPortAllocated();
    }

    List<Delivery> deliveries() {
        return List.copyOf(deliveries);
    }

    /**
     * Waits until the server has read one more message up to its final dot (and is about to
     * answer it, after {@link #dataDelayMillis}): the message is then with the internal server.
     */
    boolean awaitMessageRead(java.time.Duration timeout) throws InterruptedException {
        return messagesRead.tryAcquire(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Every RCPT address the gateway sent, accepted or not. */
    List<String> recipientsSeen() {
        return List.copyOf(recipientsSeen);
    }

    private MessageHandler handler(MessageContext context) {
        return new MessageHandler() {
            String sender;
            final List<String> recipients = new ArrayList<>();

            @Override
            public void from(String from) {
                sender = from;
            }

            @Override
            public void recipient(String recipient) throws RejectException {
                recipientsSeen.add(recipient);
                if (recipient.startsWith("unknown")) {
                    throw new RejectException(550, "5.1.1 <" + recipient + ">: Recipient address rejected: User unknown");
                }
                recipients.add(recipient);
            }

            @Override
            public String data(InputStream data) throws RejectException, IOException {
                byte[] bytes = data.readAllBytes();
                messagesRead.release();
                if (dataDelayMillis > 0) {
                    sleep(dataDelayMillis);
                }
                switch (afterData) {
                    case REJECT -> throw new RejectException(554, "5.7.1 Message content rejected by internal policy");
                    case HANG -> {
                        try {
                            released.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        throw new RejectException(451, "4.3.0 too late");
                    }
                    case ACCEPT -> {
                    }
                }
                deliveries.add(new Delivery(sender, List.copyOf(recipients), bytes));
                return "2.0.0 Ok: queued as Q" + queueIds.incrementAndGet();
            }

            @Override
            public void done() {
            }
        };
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        released.countDown();
        server.stop();
    }
}
