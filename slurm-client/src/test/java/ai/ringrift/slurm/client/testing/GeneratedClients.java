package ai.ringrift.slurm.client.testing;

import ai.ringrift.slurm.testsupport.FixtureRecorder;
import ai.ringrift.slurm.testsupport.LocalCluster;
import ai.ringrift.slurm.client.api.SlurmApi;
import ai.ringrift.slurm.client.api.SlurmdbApi;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.time.Duration;
import java.util.function.Supplier;
import okhttp3.OkHttpClient;
import retrofit2.Retrofit;
import retrofit2.converter.jackson.JacksonConverterFactory;
import retrofit2.converter.scalars.ScalarsConverterFactory;

/**
 * The generated v0.0.40 interfaces, wired to OkHttp and Jackson with no hand-written layer in
 * between: what the foundation tests use to prove the generated client itself against the real
 * slurmrestd.
 */
public final class GeneratedClients {

    private GeneratedClients() {}

    /** Lenient where servers differ from the spec (unknown fields), terse when writing (no empty lists). */
    public static ObjectMapper mapper() {
        return new ObjectMapper()
                .registerModule(new JavaTimeModule())
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .setSerializationInclusion(JsonInclude.Include.NON_EMPTY);
    }

    public record Apis(SlurmApi slurm, SlurmdbApi slurmdb, FixtureRecorder recorder) {}

    public static Apis connect(String baseUrl, Supplier<String> token) {
        FixtureRecorder recorder = new FixtureRecorder();
        OkHttpClient http = new OkHttpClient.Builder()
                .addInterceptor(chain -> chain.proceed(chain.request().newBuilder()
                        .header("X-SLURM-USER-TOKEN", token.get())
                        .build()))
                .addInterceptor(recorder)
                .readTimeout(Duration.ofSeconds(60))
                .build();
        Retrofit retrofit = new Retrofit.Builder()
                .baseUrl(baseUrl.endsWith("/") ? baseUrl : baseUrl + "/")
                .client(http)
                .addConverterFactory(ScalarsConverterFactory.create())
                .addConverterFactory(JacksonConverterFactory.create(mapper()))
                .build();
        return new Apis(retrofit.create(SlurmApi.class), retrofit.create(SlurmdbApi.class), recorder);
    }
}
