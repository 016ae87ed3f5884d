// SPDX-License-Identifier: MIT
/*
 * The kernel's own selftest of VM_PFNMAP mappings,
 * tools/testing/selftests/mm/pfnmap.c of the newest series' linux-source
 * (scripts/linux-source-selftests), run against /dev/mapdemo in dma
 * mode's pfn style: the module is reloaded with mode=dma dma_style=pfn
 * for it and with its defaults after.  The selftest prints its own TAP
 * lines; this adds one for its exit status, so that a skip of the whole
 * suite (its answer to a file it cannot use) fails.  The arguments the
 * guest's runner passes to every *_test are not the selftest's: ignored.
 */
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "libmapdemo.h"

int kselftest_pfnmap_main(int argc, char **argv);

static int reload(const char *params)
{
	int ret = mapdemo_module_unload();

	if (!ret)
		ret = mapdemo_module_load(NULL, params);
	printf("%s - kselftest_pfnmap::reload the module with %s%s%s\n",
	       ret ? "not ok" : "ok", params ? params : "its defaults",
	       ret ? ": " : "", ret ? strerror(-ret) : "");
	return ret;
}

int main(int argc, char **argv)
{
	char *args[] = { argv[0], "--", MAPDEMO_DEFAULT_PATH, NULL };
	int status = 0;
	pid_t pid;

	(void)argc;
	if (reload("mode=dma dma_style=pfn"))
		return 1;
	fflush(stdout);
	pid = fork();
	if (pid == 0)
		_exit(kselftest_pfnmap_main(3, args));
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		status = -1;
	printf("%s - kselftest_pfnmap::pfnmap against %s in pfn style exits 0 (status %#x)\n",
	       WIFEXITED(status) && !WEXITSTATUS(status) ? "ok" : "not ok",
	       MAPDEMO_DEFAULT_PATH, status);
	return reload(NULL) ? 1 : 0;
}
