"""A kernel spec manager for proj's Jupyter servers that lists the project kernel first.

Jupyter lists kernel specs in the order it finds their folders on disk, which is
arbitrary; Notebook 7's "New" menu shows them in that order, so the project kernel
could end up anywhere in it. :class:`ProjectFirstKernelSpecManager` puts the kernel named
by its ``first`` setting at the top and the others after it by display name. proj's
server command line selects it (``--ServerApp.kernel_spec_manager_class``); only the
Jupyter server process imports this module.
"""

from __future__ import annotations

# This module is loaded only inside a Jupyter server, which has imported both already.
from jupyter_client.kernelspec import KernelSpecManager  # noqa: TID253
from traitlets import Unicode


class ProjectFirstKernelSpecManager(KernelSpecManager):
    """Kernel specs with the project kernel first (jupyter_client's manager otherwise).

    Configured with ``--ProjectFirstKernelSpecManager.first=<kernel name>``.
    """

    first = Unicode("", config=True, help="The kernel spec listed first.")

    def find_kernel_specs(self) -> dict[str, str]:
        """Kernel name -> resource folder, ``first`` first, then by name.

        Returns:
            The specs jupyter_client finds, reordered.
        """
        found: dict[str, str] = super().find_kernel_specs()
        ordered = sorted(found, key=lambda name: (name != self.first, name))
        return {name: found[name] for name in ordered}


__all__ = ["ProjectFirstKernelSpecManager"]
