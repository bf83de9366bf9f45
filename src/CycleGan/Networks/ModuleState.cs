using static TorchSharp.torch;

namespace CycleGan.Networks;

/// <summary>
/// A module's state in PyTorch's <c>state_dict()</c> order: for each module, its own parameters, then its own
/// buffers, then its children in registration order. (TorchSharp's <c>state_dict()</c> lists all parameters
/// before all buffers; files we write must keep PyTorch's order.)
/// </summary>
public static class ModuleState
{
    public static List<KeyValuePair<string, Tensor>> Ordered(nn.Module module)
    {
        var result = new List<KeyValuePair<string, Tensor>>();
        Visit(module, "", result);
        return result;
    }

    static void Visit(nn.Module m, string prefix, List<KeyValuePair<string, Tensor>> result)
    {
        foreach (var (name, p) in m.named_parameters(recurse: false))
            result.Add(new(prefix + name, p));
        foreach (var (name, b) in m.named_buffers(recurse: false))
            result.Add(new(prefix + name, b));
        foreach (var (name, child) in m.named_children())
            Visit(child, prefix + name + ".", result);
    }
}
