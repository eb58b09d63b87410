package io.callstream.support;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A real S3-compatible server for the tests: S3Proxy (org.gaul:s3proxy) over jclouds' in-memory
 * "transient" blob store, on a free port of 127.0.0.1, with AWS v2/v4 signatures checked against a
 * fixed key pair, and one bucket.
 */
public final class S3Server implements AutoCloseable {
  public static final String ACCESS_KEY = "test-access";
  public static final String SECRET_KEY = "test-secret-0123456789";
  public static final String BUCKET = "recordings";

  private final S3Proxy proxy;
  private final BlobStoreContext context;
  public final S3Client client;

  private S3Server(S3Proxy proxy, BlobStoreContext context) {
    this.proxy = proxy;
    this.context = context;
    this.client =
        S3Client.builder()
            .endpointOverride(URI.create(endpoint()))
            .region(Region.US_EAST_1)
            .credentialsProvider(
                StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
            .forcePathStyle(true)
            .httpClient(UrlConnectionHttpClient.create())
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
            .build();
  }

  public static S3Server start() throws Exception {
    BlobStoreContext context =
        ContextBuilder.newBuilder("transient")
            .credentials("identity", "credential")
            .build(BlobStoreContext.class);
    S3Proxy proxy =
        S3Proxy.builder()
            .blobStore(context.getBlobStore())
            .endpoint(URI.create("http://127.0.0.1:" + Ports.free()))
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
            .build();
    proxy.start();
    Await.until(
        "S3Proxy started", () -> "STARTED".equals(proxy.getState()), Duration.ofSeconds(30));
    S3Server server = new S3Server(proxy, context);
    server.client.createBucket(b -> b.bucket(BUCKET));
    return server;
  }

  public String endpoint() {
    return "http://127.0.0.1:" + proxy.getPort();
  }

  /** The settings of a node storing its recordings here. */
  public Map<String, String> settings() {
    return Map.of(
        "AUDIO_STORE",
        "s3",
        "AUDIO_S3_ENDPOINT",
        endpoint(),
        "AUDIO_S3_BUCKET",
        BUCKET,
        "AUDIO_S3_REGION",
        "us-east-1",
        "AUDIO_S3_ACCESS_KEY",
        ACCESS_KEY,
        "AUDIO_S3_SECRET_KEY",
        SECRET_KEY,
        "AUDIO_S3_PATH_STYLE",
        "true");
  }

  /** The keys of every object in the bucket. */
  public java.util.List<String> keys() {
    return client.listObjectsV2(b -> b.bucket(BUCKET)).contents().stream()
        .map(o -> o.key())
        .sorted()
        .toList();
  }

  @Override
  public void close() throws Exception {
    client.close();
    proxy.stop();
    context.close();
  }
}
