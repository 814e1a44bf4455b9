package io.conduit.deploy;

/**
 * How many instances of a service run: a fixed number, or a range the scaler moves within.
 *
 * @param min instances deployed at start, and the least the scaler keeps
 * @param max the most the scaler deploys
 */
public record Instances(int min, int max) {

  public Instances {
    if (min < 1) {
      throw new IllegalArgumentException("min must be at least 1, got " + min);
    }
    if (max < min) {
      throw new IllegalArgumentException("max (" + max + ") must not be below min (" + min + ")");
    }
  }

  public static Instances fixed(int n) {
    return new Instances(n, n);
  }

  public boolean scalable() {
    return max > min;
  }

  @Override
  public String toString() {
    return scalable() ? min + ".." + max : Integer.toString(min);
  }
}
