package dev.originality.diffusion.schedulers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import java.util.ArrayList;
import java.util.List;

/**
 * PNDM's PLMS part (Liu et al. 2022), SD v1's default, with skip_prk_steps: a linear multistep
 * method over the last four model outputs. Its second step re-evaluates the first timestep, which
 * is why 10 steps give 11 timesteps.
 */
public final class PndmScheduler extends BaseScheduler {
    private final List<NDArray> ets = new ArrayList<>();
    private NDArray curSample;
    private int counter;
    /** Owns the model-output history, which must survive the per-step managers of the caller. */
    private NDManager history = NDManager.newBaseManager();

    public PndmScheduler(SchedulerConfig config) {
        super(config);
        if (!config.skipPrkSteps()) {
            throw new IllegalArgumentException("pndm: only skip_prk_steps = true (PLMS, as SD v1) is supported");
        }
    }

    @Override
    public String name() {
        return "pndm";
    }

    @Override
    public void setTimesteps(int n) {
        numInferenceSteps = n;
        long[] desc = NoiseSchedule.spacing(config, n);
        // diffusers: concat(asc[:-1], asc[-2:-1], asc[-1:])[::-1] — the second timestep appears twice.
        List<Long> asc = new ArrayList<>();
        for (int i = n - 1; i >= 0; i--) asc.add(desc[i]);
        List<Long> cat = new ArrayList<>(asc.subList(0, n - 1));
        if (n >= 2) cat.add(asc.get(n - 2));
        cat.add(asc.get(n - 1));
        timesteps = new long[cat.size()];
        for (int i = 0; i < cat.size(); i++) timesteps[i] = cat.get(cat.size() - 1 - i);
        reset();
    }

    private void reset() {
        ets.clear();
        curSample = null;
        counter = 0;
        history.close();
        history = NDManager.newBaseManager();
    }

    @Override
    public NDArray step(NDArray out, long t, NDArray sample, NDArray noise) {
        requireTimesteps();
        long prev = previous(t);
        long timestep = t;
        if (counter != 1) {
            while (ets.size() > 3) ets.remove(0).close();
            ets.add(keep(out));
        } else {
            prev = t;
            timestep = t + config.numTrainTimesteps() / numInferenceSteps;
        }
        NDManager target = sample.getManager();
        try (NDManager tmp = target.newSubManager()) {
            for (NDArray e : ets) e.tempAttach(tmp);
            NDArray eps;
            int k = ets.size();
            if (k == 1 && counter == 0) {
                eps = out;
                curSample = keep(sample);
            } else if (k == 1 && counter == 1) {
                eps = ets.get(0).add(out).div(2f);
                curSample.tempAttach(tmp);
                sample = curSample;
                curSample = null;
            } else if (k == 2) {
                eps = ets.get(1).mul(3f).sub(ets.get(0)).div(2f);
            } else if (k == 3) {
                eps = ets.get(2).mul(23f).sub(ets.get(1).mul(16f)).add(ets.get(0).mul(5f)).div(12f);
            } else {
                eps = ets.get(3).mul(55f).sub(ets.get(2).mul(59f)).add(ets.get(1).mul(37f)).sub(ets.get(0).mul(9f)).div(24f);
            }
            NDArray prevSample = prevSample(sample, timestep, prev, eps);
            prevSample.attach(target);
            counter++;
            return prevSample;
        }
    }

    /** A copy that outlives the caller's per-step manager. */
    private NDArray keep(NDArray x) {
        NDArray c = x.duplicate();
        c.attach(history);
        return c;
    }

    @Override
    public void close() {
        history.close();
    }

    /** Formula (9) of the PNDM paper: x_{t−δ} from x_t and ε. */
    private NDArray prevSample(NDArray sample, long t, long prev, NDArray out) {
        double aT = schedule.at(t);
        double aPrev = prev >= 0 ? schedule.at(prev) : (config.setAlphaToOne() ? 1.0 : schedule.at(0));
        double betaT = 1 - aT, betaPrev = 1 - aPrev;
        if (config.predictionType().equals("v_prediction")) {
            out = out.mul((float) Math.sqrt(aT)).add(sample.mul((float) Math.sqrt(betaT)));
        } else if (!config.predictionType().equals("epsilon")) {
            throw new IllegalArgumentException("pndm: prediction_type must be epsilon or v_prediction, found " + config.predictionType());
        }
        double sampleCoeff = Math.sqrt(aPrev / aT);
        double denom = aT * Math.sqrt(betaPrev) + Math.sqrt(aT * betaT * aPrev);
        return sample.mul((float) sampleCoeff).sub(out.mul((float) ((aPrev - aT) / denom)));
    }
}
