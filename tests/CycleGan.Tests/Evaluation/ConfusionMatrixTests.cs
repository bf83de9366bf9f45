using CycleGan.Evaluation;

namespace CycleGan.Tests.Evaluation;

public class ConfusionMatrixTests
{
    // Hand-computed case, 3 classes; class 2 never occurs in the ground truth but is predicted twice.
    // gt:   0 0 0 0 1 1 1 1 1 1
    // pred: 0 0 0 1 1 1 1 1 2 2
    // matrix rows gt, cols pred: [3 1 0; 0 4 2; 0 0 0]
    static ConfusionMatrix HandCase()
    {
        var m = new ConfusionMatrix(3);
        m.Add(new byte[] { 0, 0, 0, 0, 1, 1, 1, 1, 1, 1 }, new byte[] { 0, 0, 0, 1, 1, 1, 1, 1, 2, 2 });
        return m;
    }

    [Fact]
    public void Matrix_counts_rows_as_ground_truth_and_columns_as_prediction()
    {
        var m = HandCase();
        Assert.Equal(3, m[0, 0]); Assert.Equal(1, m[0, 1]); Assert.Equal(0, m[0, 2]);
        Assert.Equal(0, m[1, 0]); Assert.Equal(4, m[1, 1]); Assert.Equal(2, m[1, 2]);
        Assert.Equal(0, m[2, 0] + m[2, 1] + m[2, 2]);
    }

    [Fact]
    public void Pixel_accuracy_is_trace_over_total()
    {
        Assert.Equal(7.0 / 10, HandCase().PixelAccuracy, 12);
    }

    [Fact]
    public void Mean_class_accuracy_skips_a_class_absent_from_ground_truth()
    {
        var m = HandCase();
        Assert.True(double.IsNaN(m.ClassAccuracy(2)));
        Assert.Equal((3.0 / 4 + 4.0 / 6) / 2, m.MeanClassAccuracy, 12);
    }

    [Fact]
    public void Mean_class_iou_counts_a_predicted_but_absent_class_as_zero()
    {
        var m = HandCase();
        // IoU0 = 3/(4+3-3) = 3/4; IoU1 = 4/(6+5-4) = 4/7; IoU2 = 0/(0+2-0) = 0.
        Assert.Equal(3.0 / 4, m.ClassIou(0), 12);
        Assert.Equal(4.0 / 7, m.ClassIou(1), 12);
        Assert.Equal(0.0, m.ClassIou(2), 12);
        Assert.Equal((3.0 / 4 + 4.0 / 7 + 0) / 3, m.MeanClassIou, 12);
    }

    [Fact]
    public void A_class_absent_from_ground_truth_and_prediction_is_left_out_of_every_mean()
    {
        var m = new ConfusionMatrix(4);
        m.Add(new byte[] { 0, 1, 1 }, new byte[] { 0, 1, 0 });
        Assert.True(double.IsNaN(m.ClassIou(3)));
        Assert.True(double.IsNaN(m.ClassIou(2)));
        Assert.Equal((1.0 + 0.5) / 2, m.MeanClassAccuracy, 12);
        Assert.Equal((0.5 + 0.5) / 2, m.MeanClassIou, 12);
    }

    [Fact]
    public void Perfect_prediction_scores_one_everywhere()
    {
        var m = new ConfusionMatrix(3);
        var gt = new byte[] { 0, 1, 2, 2, 1, 0, 0 };
        m.Add(gt, gt);
        Assert.Equal(1.0, m.PixelAccuracy);
        Assert.Equal(1.0, m.MeanClassAccuracy);
        Assert.Equal(1.0, m.MeanClassIou);
    }

    [Fact]
    public void Empty_matrix_gives_undefined_scores_not_zero()
    {
        var m = new ConfusionMatrix(2);
        Assert.True(double.IsNaN(m.PixelAccuracy));
        Assert.True(double.IsNaN(m.MeanClassAccuracy));
        Assert.True(double.IsNaN(m.MeanClassIou));
    }

    [Fact]
    public void Matrix_accumulates_over_images_rather_than_averaging_them()
    {
        var m = new ConfusionMatrix(2);
        m.Add(new byte[] { 0 }, new byte[] { 0 });          // image 1: 1/1 correct
        m.Add(new byte[] { 1, 1, 1 }, new byte[] { 0, 0, 1 }); // image 2: 1/3 correct
        Assert.Equal(2.0 / 4, m.PixelAccuracy, 12);
    }
}
