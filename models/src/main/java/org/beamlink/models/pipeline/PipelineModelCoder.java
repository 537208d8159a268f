package org.beamlink.models.pipeline;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.CustomCoder;
import org.beamlink.models.io.SchemaCoding;
import org.beamlink.models.linalg.ArrayEncoding;

/**
 * Deterministic, versioned coder for {@link PipelineModel}: the fitted-on schema, then each stage
 * with {@link TransformerCoder}.
 *
 * <pre>{@code
 * PipelineModelCoder.of().encode(model, out);
 * }</pre>
 */
public final class PipelineModelCoder extends CustomCoder<PipelineModel> {
  private static final int VERSION = 1;
  private static final long serialVersionUID = 1L;
  private static final PipelineModelCoder INSTANCE = new PipelineModelCoder();

  private PipelineModelCoder() {}

  /** The coder. */
  public static PipelineModelCoder of() {
    return INSTANCE;
  }

  @Override
  public void encode(PipelineModel value, OutputStream out) throws IOException {
    DataOutputStream data = new DataOutputStream(out);
    data.writeByte(VERSION);
    data.flush();
    SchemaCoding.write(value.inputSchema(), out);
    data.writeInt(value.stages().size());
    data.flush();
    TransformerCoder<Transformer> stageCoder = TransformerCoder.of();
    for (Transformer stage : value.stages()) {
      stageCoder.encode(stage, out);
    }
  }

  @Override
  public PipelineModel decode(InputStream in) throws IOException {
    ArrayEncoding.readVersion(in, VERSION, "pipeline model");
    var schema = SchemaCoding.read(in);
    int n = new DataInputStream(in).readInt();
    if (n < 0) {
      throw new CoderException("Corrupt pipeline model: " + n + " stages");
    }
    TransformerCoder<Transformer> stageCoder = TransformerCoder.of();
    List<Transformer> stages = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      stages.add(stageCoder.decode(in));
    }
    return PipelineModel.of(schema, stages);
  }

  @Override
  public void verifyDeterministic() {}
}
