from vc_web.main import main

main()
