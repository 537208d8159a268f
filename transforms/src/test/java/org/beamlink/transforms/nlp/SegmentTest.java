package org.beamlink.transforms.nlp;

import static org.beamlink.transforms.nlp.NlpTestSupport.TEXT;
import static org.beamlink.transforms.nlp.NlpTestSupport.TOKENS;
import static org.beamlink.transforms.nlp.NlpTestSupport.assertRoundTrips;
import static org.beamlink.transforms.nlp.NlpTestSupport.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.nlp.SegmentMapper;
import org.beamlink.models.pipeline.Transformer;
import org.beamlink.runners.testing.TestRunner;
import org.junit.jupiter.api.Test;

/**
 * Segment: Lucene SmartChineseAnalyzer's segmentation of well-known sentences (the expected tokens
 * are what lucene-analysis-smartcn 9.12.2 gives, each checked to be the usual segmentation), the
 * user dictionary, punctuation, nulls, threads and the coder.
 */
class SegmentTest {
  private static List<String> segment(Segment s, String text) {
    return s.transformer().bind(TEXT).apply(text(text)).getArray("tokens").stream()
        .map(String.class::cast)
        .toList();
  }

  private static List<String> segment(String text) {
    return segment(Segment.of("text"), text);
  }

  @Test
  void segmentsWellKnownSentences() {
    assertEquals(List.of("我", "是", "中国", "人"), segment("我是中国人"));
    assertEquals(List.of("我", "爱", "北京", "天安门"), segment("我爱北京天安门"));
    assertEquals(List.of("南京市", "长江", "大桥"), segment("南京市长江大桥"));
    assertEquals(List.of("中华人民共和国", "成立", "了"), segment("中华人民共和国成立了"));
    assertEquals(List.of("研究", "生命", "起源"), segment("研究生命起源"));
  }

  /**
   * The analyzer's default stop set is punctuation only: Chinese and ASCII punctuation and spaces
   * go, Latin words are lower-cased and Porter-stemmed, digit runs stay whole.
   */
  @Test
  void dropsPunctuationAndWhitespaceAndStemsLatinWords() {
    assertEquals(
        List.of("你好", "世界", "hello", "run", "2024", "年"),
        segment("你好，世界！ Hello, running... 2024年。"));
    assertEquals(List.of(), segment("，。！？《》“”"));
  }

  @Test
  void userDictionaryKeepsWordsWhole() {
    String text = "小明硕士毕业于中国科学院计算所";
    assertEquals(List.of("小", "明", "硕士", "毕业", "于", "中国", "科学院", "计算", "所"), segment(text));
    assertEquals(
        List.of("小明", "硕士", "毕业", "于", "中国", "科学院", "计算所"),
        segment(Segment.of("text").withUserDictionary("小明", "计算所"), text));
  }

  /** Where dictionary words overlap, the longest starting at a place wins. */
  @Test
  void userDictionaryPrefersTheLongestMatch() {
    assertEquals(
        List.of("小", "明", "中国科学院", "计算", "所"),
        segment(Segment.of("text").withUserDictionary("中国", "中国科学院"), "小明中国科学院计算所"));
  }

  @Test
  void nullTextGivesNullAndEmptyTextGivesEmpty() {
    assertNull(Segment.of("text").transformer().bind(TEXT).apply(text(null)).getValue("tokens"));
    assertEquals(List.of(), segment(""));
  }

  /** One bound stage used by several threads at once gives each text its one-thread tokens. */
  @Test
  void boundStageIsSafeForConcurrentThreads() throws Exception {
    Transformer.Bound bound = Segment.of("text").withUserDictionary("小明").transformer().bind(TEXT);
    List<String> texts = List.of("我是中国人", "小明硕士毕业于中国科学院计算所", "南京市长江大桥", "我爱北京天安门", "今天天气不错");
    List<Object> expected = new ArrayList<>();
    for (String t : texts) {
      expected.add(bound.apply(text(t)).getValue("tokens"));
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int thread = 0; thread < 4; thread++) {
        int offset = thread;
        results.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 200; i++) {
                    int k = (i + offset) % texts.size();
                    if (!expected
                        .get(k)
                        .equals(bound.apply(text(texts.get(k))).getValue("tokens"))) {
                      return false;
                    }
                  }
                  return true;
                }));
      }
      for (Future<Boolean> r : results) {
        assertTrue(r.get());
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void rejectsTokenColumnsAndEmptyDictionaryWords() {
    Pipeline p = TestRunner.DIRECT.create();
    PCollection<Row> tokens = p.apply(Create.of(NlpTestSupport.tokens("我")).withRowSchema(TOKENS));
    String wrongType =
        assertThrows(IllegalArgumentException.class, () -> tokens.apply(Segment.of("tokens")))
            .getMessage();
    assertTrue(wrongType.contains("Segment: column 'tokens' has type"), wrongType);
    assertThrows(IllegalArgumentException.class, () -> Segment.of("text").withUserDictionary(""));
    assertThrows(
        IllegalArgumentException.class, () -> Segment.of("text").withUserDictionary("a", null));
  }

  @Test
  void coderRoundTrips() {
    assertRoundTrips(
        SegmentMapper.of("text", "words", List.of("小明", "计算所")),
        SegmentMapper.Coder.of(),
        "segment");
  }

  @Test
  void segmentsRowsOnTheDirectRunner() {
    Pipeline p = TestRunner.DIRECT.create();
    PCollection<Row> out =
        p.apply(Create.of(text("我是中国人")).withRowSchema(TEXT))
            .apply(Segment.of("text").withOutputCol("words"));
    PAssert.that(out)
        .satisfies(
            rows -> {
              rows.forEach(r -> assertEquals(List.of("我", "是", "中国", "人"), r.getValue("words")));
              return null;
            });
    TestRunner.DIRECT.run(p);
  }
}
